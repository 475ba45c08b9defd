import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { supportsPortableCompileCache } from '../src/compile-cache.ts';
import { slim, type SlimReport } from '../src/slim.ts';
import { fixtureProject } from './support/fixture-project.ts';
import { recordingLogger } from './support/quiet-logger.ts';
import { freePort, runDeploy } from './support/run-deploy.ts';

let project: string;
let report: SlimReport;
const logger = recordingLogger();

beforeAll(async () => {
  project = fixtureProject('hello-fn');
  report = await slim({ projectDir: project, logger });
});

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

test.runIf(supportsPortableCompileCache(process.versions.node))(
  'the shipped compile cache is accepted when the folder runs somewhere else, as in the image',
  async () => {
    expect(report.manifest.compileCache).toBe('compile-cache');
    const running = await runDeploy(report.outDir);
    await running.stop();
    // Start the copy again, now with the cache settings the Dockerfile sets, and ask Node to log its cache use.
    const port = await freePort();
    const child = spawn(process.execPath, ['index.js'], {
      cwd: running.dir,
      env: {
        PATH: process.env['PATH'] ?? '',
        PORT: String(port),
        NODE_COMPILE_CACHE: join(running.dir, 'compile-cache'),
        NODE_COMPILE_CACHE_PORTABLE: '1',
        NODE_DEBUG_NATIVE: 'COMPILE_CACHE',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        resolve();
      });
    });
    const deadline = Date.now() + 15_000;
    while (!log.includes('index.js was accepted') && child.exitCode === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGKILL');
    await exited;
    rmSync(running.dir, { recursive: true, force: true });
    expect(log).toMatch(/V8 code cache for ESM file:\/\/\S+\/index\.js was accepted/);
  },
);

test('the Dockerfile points NODE_COMPILE_CACHE at the shipped cache only when there is one', async () => {
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(join(report.outDir, 'Dockerfile'), 'utf8');
  if (report.compileCache.shipped) {
    expect(text).toContain('ENV NODE_COMPILE_CACHE=/app/compile-cache');
    expect(text).toContain('ENV NODE_COMPILE_CACHE_PORTABLE=1');
  } else {
    expect(text).not.toContain('NODE_COMPILE_CACHE');
    expect(logger.messages.some((m) => m.includes('compile cache skipped'))).toBe(true);
  }
});
