import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Dev, freePort, invoke, main, project } from './support/dev-harness.ts';

describe('thaw dev and thaw invoke', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('runs a TypeScript function with its .env, restarts it on a change with a startup summary each time, and Ctrl-C stops it all', async () => {
    const dir = project({
      'package.json': JSON.stringify({ name: 'fn', type: 'module', private: true }),
      '.env': 'GREETING=hello from .env\n',
      'src/index.ts': `import { serve } from '@thaw/runtime';\nconst greeting: string = process.env.GREETING ?? 'none';\nserve(() => new Response(greeting));\n`,
    });
    cleanups.push(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    const port = await freePort();
    const dev = new Dev(dir, ['--port', String(port)]);
    cleanups.push(async () => {
      if (dev.child.exitCode === null) dev.child.kill('SIGKILL');
      await dev.exited();
    });
    await dev.waitFor(/thaw dev: ready in \d+ ms · runtime imported/);
    const first = invoke(['--target', `http://127.0.0.1:${port}`]);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^HTTP 200 OK\n[\s\S]*hello from \.env\n$/);
    writeFileSync(
      join(dir, 'src', 'index.ts'),
      `import { serve } from '@thaw/runtime';\nserve(() => new Response('changed', { status: 503 }));\n`,
    );
    await dev.waitFor(/thaw dev: ready in/, 2);
    const second = invoke(['--target', `http://127.0.0.1:${port}`]);
    expect([second.status, second.stdout.trim().split('\n').at(-1)]).toEqual([1, 'changed']);
    dev.child.kill('SIGINT');
    expect(await dev.exited()).toBe(0);
    expect(dev.out).toContain('Shutting down');
    expect(invoke(['--target', `http://127.0.0.1:${port}`]).status).toBe(1);
  });

  it('serves a faas CloudEvents function unchanged with --from faas, and invoke shows the reply as an event in both modes', async () => {
    const dir = project({
      'package.json': JSON.stringify({ name: 'fn', private: true }),
      'index.js': `const { CloudEvent } = require('cloudevents');\nmodule.exports = { handle: async (context, event) => new CloudEvent({ source: 'function', type: 'function.response', data: { got: event.data, type: event.type } }) };\n`,
      'event.json': '{"order":7}',
    });
    cleanups.push(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    const port = await freePort();
    const dev = new Dev(dir, ['index.js', '--from', 'faas', '--port', String(port)]);
    cleanups.push(async () => {
      if (dev.child.exitCode === null) dev.child.kill('SIGKILL');
      await dev.exited();
    });
    await dev.waitFor(/thaw dev: ready in/);
    for (const mode of ['binary', 'structured']) {
      const answer = invoke([
        '--target',
        `http://127.0.0.1:${port}`,
        '--event',
        '--mode',
        mode,
        '--type',
        'com.example.order',
        '--file',
        join(dir, 'event.json'),
      ]);
      expect(answer.status).toBe(0);
      expect(answer.stdout).toContain('Reply event:\n');
      expect(answer.stdout).toContain('  type: function.response\n');
      expect(answer.stdout).toContain('"order": 7');
      expect(answer.stdout).toContain('"type": "com.example.order"');
    }
    const json = invoke(['--target', `http://127.0.0.1:${port}`, '--event', '--data', '{"n":1}', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      status: 200,
      event: { type: 'function.response', data: { got: { n: 1 }, type: 'thaw.invoke' } },
    });
    dev.child.kill('SIGINT');
    expect(await dev.exited()).toBe(0);
  });

  it('exits 2 with the reason for bad arguments, and 1 when nothing answers', async () => {
    const unknown = invoke(['--evnt']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('--evnt');
    expect(invoke(['--mode', 'structured']).status).toBe(2);
    const nothing = invoke(['--target', `http://127.0.0.1:${await freePort()}`]);
    expect(nothing.status).toBe(1);
    expect(nothing.stderr).toContain('Is the function running?');
    const dev = spawnSync(process.execPath, [main, 'dev', 'missing.ts'], { encoding: 'utf8', cwd: tmpdir() });
    expect(dev.status).toBe(2);
    expect(dev.stderr).toContain('The entry missing.ts does not exist');
  });
});
