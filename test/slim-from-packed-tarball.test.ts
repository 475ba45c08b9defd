import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { scratchProjectWithTarballs } from './support/packed.ts';

let project: string;

beforeAll(() => {
  project = scratchProjectWithTarballs();
  mkdirSync(join(project, 'src'));
  writeFileSync(
    join(project, 'src', 'index.mjs'),
    [
      "import { createServer } from 'node:http';",
      'createServer((req, res) => res.end(`hello from ${req.url}`)).listen(Number(process.env.PORT));',
      '',
    ].join('\n'),
  );
}, 240_000);

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
  });
}

test('the published thaw CLI slims a function into a folder that runs on its own', async () => {
  const thaw = join(project, 'node_modules', '.bin', 'thaw');
  const built = spawnSync(process.execPath, [thaw, 'slim', 'src/index.mjs', '--out', 'deploy'], {
    cwd: project,
    encoding: 'utf8',
  });
  expect(built.stderr).not.toContain('Error');
  expect(built.status).toBe(0);
  const manifest = JSON.parse(readFileSync(join(project, 'deploy', 'thaw-slim.json'), 'utf8')) as {
    entry: string;
  };
  expect(manifest.entry).toBe('index.js');
  expect(existsSync(join(project, 'deploy', 'knative', 'service.yaml'))).toBe(true);

  const scratch = mkdtempSync(join(tmpdir(), 'thaw-e2e-run-'));
  cpSync(join(project, 'deploy'), scratch, { recursive: true });
  const port = await freePort();
  const child = spawn(process.execPath, ['index.js'], {
    cwd: scratch,
    env: { PATH: process.env['PATH'] ?? '', PORT: String(port) },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  try {
    let body = '';
    const deadline = Date.now() + 15_000;
    while (body === '' && Date.now() < deadline) {
      try {
        body = await (await fetch(`http://127.0.0.1:${port}/e2e`)).text();
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    expect(body).toBe('hello from /e2e');
  } finally {
    child.kill('SIGKILL');
    await exited;
    rmSync(scratch, { recursive: true, force: true });
  }
}, 120_000);
