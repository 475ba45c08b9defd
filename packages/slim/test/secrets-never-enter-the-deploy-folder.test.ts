import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { listFiles } from '../src/deploy-folder.ts';
import { slim, type SlimReport } from '../src/slim.ts';
import { fixtureProject } from './support/fixture-project.ts';
import { recordingLogger } from './support/quiet-logger.ts';
import { runDeploy } from './support/run-deploy.ts';

let project: string;
let report: SlimReport;
const logger = recordingLogger();

beforeAll(async () => {
  project = fixtureProject('leaky-fn');
  report = await slim({
    projectDir: project,
    include: ['.env', 'config'],
    allowSecrets: ['node_modules/leaky-config/public.pem'],
    logger,
  });
});

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

test('no byte of any secret reaches the deploy folder, although the trace found them', () => {
  for (const path of listFiles(report.outDir)) {
    expect({ path, leaks: readFileSync(join(report.outDir, path)).includes('THAW-FIXTURE-SECRET') }).toEqual({
      path,
      leaks: false,
    });
  }
  expect([...report.refusedSecrets].sort()).toEqual([
    '.env',
    'node_modules/leaky-config/.env',
    'node_modules/leaky-config/.npmrc',
    'node_modules/leaky-config/id_rsa',
    'node_modules/leaky-config/server.key',
    'node_modules/leaky-config/server.pem',
  ]);
});

test('each refused file gets a warning that names it and never shows its content', () => {
  for (const path of report.refusedSecrets) {
    expect(logger.messages.some((m) => m.startsWith('warn: ') && m.includes(`refused ${path}:`))).toBe(true);
  }
  expect(logger.messages.join('\n')).not.toContain('THAW-FIXTURE-SECRET');
});

test('the allow-list lets a named file through, and the other run-time files still ship', () => {
  const paths = report.manifest.files.map((f) => f.path);
  expect(paths).toContain('node_modules/leaky-config/public.pem');
  expect(paths).toContain('node_modules/leaky-config/defaults.json');
  expect(paths).toContain('config/app.json');
});

test('the slimmed function runs without the refused files, reading only what shipped', async () => {
  const running = await runDeploy(report.outDir);
  try {
    expect(await running.get('/')).toEqual({
      status: 200,
      body: { env: false, pem: false, key: false, ssh: false, npmrc: false, publicPem: true, defaults: true },
    });
  } finally {
    await running.stop();
    rmSync(running.dir, { recursive: true, force: true });
  }
});

test('a build whose bundle would inline a secrets file fails and names the file', async () => {
  const inlining = fixtureProject('env-import-fn');
  try {
    await expect(
      slim({ projectDir: inlining, compileCache: false, logger: recordingLogger() }),
    ).rejects.toThrow('The bundle would contain src/.env.json, which looks like an .env file.');
  } finally {
    rmSync(inlining, { recursive: true, force: true });
  }
});
