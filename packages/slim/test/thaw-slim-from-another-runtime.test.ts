import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { repoRoot } from './support/fixture-project.ts';
import { runDeploy, type RunningDeploy } from './support/run-deploy.ts';

const cli = resolve(import.meta.dirname, 'support', 'thaw-cli.ts');
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A function project in a scratch folder whose packages resolve from the repository's node_modules. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'thaw-slim-from-'));
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  mkdirSync(join(dir, 'node_modules', '@thaw'), { recursive: true });
  symlinkSync(join(repoRoot, 'packages', 'runtime'), join(dir, 'node_modules', '@thaw', 'runtime'), 'dir');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function slim(
  dir: string,
  args: readonly string[],
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, 'slim', ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function started(deployDir: string): Promise<RunningDeploy> {
  const running = await runDeploy(deployDir);
  cleanups.push(() => running.stop());
  return running;
}

test('thaw slim --from faas bundles a knative/func function unchanged and the deploy folder serves it', async () => {
  const handler = `module.exports = {\n  handle: async (context, body) => ({ statusCode: 201, body: { got: body, method: context.method } }),\n  readiness: () => 'ready enough',\n};\n`;
  const dir = project({
    'package.json': JSON.stringify({
      name: 'faas-fn',
      version: '1.0.0',
      main: 'index.js',
      engines: { node: '>=22.12' },
    }),
    'index.js': handler,
  });
  const { status, stderr } = slim(dir, ['--from', 'faas', '--out', 'deploy', '--no-compile-cache']);
  expect(status, stderr).toBe(0);
  expect(readFileSync(join(dir, 'index.js'), 'utf8')).toBe(handler);
  const running = await started(join(dir, 'deploy'));
  const reply = await fetch(`http://127.0.0.1:${running.port}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"n":1}',
  });
  expect([reply.status, await reply.json()]).toEqual([201, { got: { n: 1 }, method: 'POST' }]);
  expect((await running.get('/health/readiness')).status).toBe(200);
}, 180_000);

test('thaw slim --from functions-framework --function-target serves the exported function it names', async () => {
  const dir = project({
    'package.json': JSON.stringify({
      name: 'gcf-fn',
      version: '1.0.0',
      type: 'module',
      main: 'index.js',
      engines: { node: '>=22.12' },
    }),
    'index.js': `export function helloHttp(req, res) {\n  res.status(200).send(\`Hello \${req.query.name ?? 'World'}!\`);\n}\nexport function other(req, res) {\n  res.send('other');\n}\n`,
  });
  const { status, stderr } = slim(dir, [
    '--from',
    'functions-framework',
    '--function-target',
    'helloHttp',
    '--out',
    'deploy',
    '--no-compile-cache',
  ]);
  expect(status, stderr).toBe(0);
  const running = await started(join(dir, 'deploy'));
  const reply = await fetch(`http://127.0.0.1:${running.port}/?name=thaw`);
  expect([reply.status, await reply.text()]).toEqual([200, 'Hello thaw!']);
}, 180_000);

test('thaw slim rejects an unknown --from and a --function-target without the Functions Framework', () => {
  const dir = project({ 'package.json': '{"name":"x","main":"index.js"}', 'index.js': '' });
  const unknown = slim(dir, ['--from', 'lambda']);
  expect([unknown.status, unknown.stderr]).toEqual([
    2,
    'thaw slim: Invalid --from: received "lambda"; expected faas or functions-framework. See thaw slim --help.\n',
  ]);
  const target = slim(dir, ['--function-target', 'hello']);
  expect(target.status).toBe(2);
  expect(target.stderr).toContain('add --from functions-framework');
  // thaw dev's spelling, --target helloHttp, is answered with thaw slim's.
  const devSpelling = slim(dir, ['--from', 'functions-framework', '--target', 'helloHttp']);
  expect(devSpelling.status).toBe(2);
  expect(devSpelling.stderr).toContain(
    'name the Functions Framework function with --function-target helloHttp',
  );
});
