import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchProjectWithTarballs } from '../support/packed.ts';

function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('@thaw/runtime as a user installs it', () => {
  let dir = '';

  beforeAll(() => {
    dir = scratchProjectWithTarballs();
  }, 180_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('serves a function from the installed package: ready, answers, drains on SIGTERM and exits 0', async () => {
    writeFileSync(
      join(dir, 'function.mjs'),
      [
        "import { cloudEvent, init, serve } from '@thaw/runtime';",
        "const greeting = init('greeting', async () => 'hello', { when: 'critical', dispose: () => void console.log('disposed') });",
        'const kind = process.env.KIND;',
        "serve(kind === 'event' ? cloudEvent(() => undefined) : async () => new Response(await greeting()), { host: '127.0.0.1', startupReport: 'off' });",
      ].join('\n'),
    );
    const run = (
      kind: string,
    ): {
      port: Promise<number>;
      exited: Promise<number | null>;
      kill: () => void;
      stderr: () => string;
      stdout: () => string;
    } => {
      const child = spawn(process.execPath, ['function.mjs'], {
        cwd: dir,
        env: { ...process.env, PORT: '0', KIND: kind },
      });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      const port = new Promise<number>((resolve, reject) => {
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
          err += chunk;
          const match = /Listening on [^"]*:(\d+)\./.exec(err);
          if (match) resolve(Number(match[1]));
        });
        child.once('exit', () => {
          reject(new Error(`exited early: ${err}`));
        });
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      return { port, exited, kill: () => child.kill('SIGTERM'), stderr: () => err, stdout: () => out };
    };

    const web = run('web');
    const port = await web.port;
    let ready = 0;
    for (let i = 0; i < 200 && ready !== 200; i++) {
      ready = (await get(port, '/readyz')).status;
      if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(ready).toBe(200);
    expect(await get(port, '/')).toEqual({ status: 200, body: 'hello' });
    web.kill();
    expect(await web.exited).toBe(0);
    expect(web.stdout()).toBe('disposed\n');

    // cloudevents is an optional peer, not installed here: the CloudEvents kind says what to install.
    const event = run('event');
    const eventPort = await event.port;
    const answer = await get(
      eventPort,
      '/',
      { 'ce-id': '1', 'ce-source': '/s', 'ce-type': 't', 'ce-specversion': '1.0' },
      'POST',
    );
    // The missing peer keeps the process not ready and every event is refused at once with the fix.
    expect(answer.status).toBe(503);
    expect(answer.body).toContain('npm install cloudevents');
    const readyz = await get(eventPort, '/readyz');
    expect(readyz.status).toBe(503);
    expect(readyz.body).toContain('npm install cloudevents');
    expect(event.stderr()).toContain('npm install cloudevents');
    event.kill();
    expect(await event.exited).toBe(0);
  });
});
