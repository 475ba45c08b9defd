import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from './support/fixture-process.ts';

// A function project without the `cloudevents` package: the runtime's source, copied into a
// directory with no node_modules anywhere above it, run by Node (which strips the types).
describe('a CloudEvents function without the cloudevents package installed', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'thaw-no-cloudevents-'));
    cpSync(resolve(import.meta.dirname, '../src'), join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(
      join(dir, 'function.mjs'),
      `import { cloudEvent, serve } from './src/index.ts';
serve(cloudEvent(() => undefined), { port: 0, host: '127.0.0.1', startupReport: 'off' });
`,
    );
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('never turns ready: /readyz answers 503 naming the package and the install command', async () => {
    const child = spawn(process.execPath, ['--no-warnings', 'function.mjs'], {
      cwd: dir,
      env: { ...process.env, PORT: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      let stderr = '';
      const port = await new Promise<number>((resolvePort, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`no "Listening on" line: ${stderr}`));
        }, 15_000);
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
          stderr += chunk;
          const match = /Listening on [^"]*:(\d+)\./.exec(stderr);
          if (match !== null) {
            clearTimeout(timer);
            resolvePort(Number(match[1]));
          }
        });
      });
      // Long enough for the failed import to be known; readiness must not say 200 meanwhile.
      for (let probe = 0; probe < 10; probe += 1) {
        const answer = await get(port, '/readyz');
        expect(answer.status).toBe(503);
        await new Promise((resolveWait) => setTimeout(resolveWait, 30));
      }
      const report = JSON.parse((await get(port, '/readyz')).body) as { status: string; error?: string };
      expect(report.status).toBe('failing');
      expect(report.error).toContain('needs the package "cloudevents", which is not installed');
      expect(report.error).toContain('npm install cloudevents');
      expect((await get(port, '/healthz')).status).toBe(200);
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolveExit) => child.once('close', resolveExit));
    }
  });
});
