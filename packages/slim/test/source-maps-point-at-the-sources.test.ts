import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { slim, type SlimReport } from '../src/slim.ts';
import { fixtureProject } from './support/fixture-project.ts';
import { recordingLogger } from './support/quiet-logger.ts';
import { runDeploy } from './support/run-deploy.ts';

let project: string;
let report: SlimReport;

beforeAll(async () => {
  project = fixtureProject('hello-fn');
  report = await slim({
    projectDir: project,
    compileCache: false,
    enableSourceMaps: true,
    logger: recordingLogger(),
  });
});

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

test('with --enable-source-maps, a stack trace from the minified bundle names the TypeScript source', async () => {
  const running = await runDeploy(report.outDir, {}, ['--enable-source-maps']);
  try {
    const { body } = await running.get('/stack');
    expect((body as { stack: string }).stack).toMatch(/src\/index\.ts:6:\d+/);
  } finally {
    await running.stop();
    rmSync(running.dir, { recursive: true, force: true });
  }
});

test('the Dockerfile starts node with --enable-source-maps when asked', () => {
  expect(readFileSync(join(report.outDir, 'Dockerfile'), 'utf8')).toContain(
    'CMD ["--enable-source-maps","index.js"]',
  );
});

test('the source map sits beside the bundle and names no machine path', () => {
  const map = JSON.parse(readFileSync(join(report.outDir, 'index.js.map'), 'utf8')) as { sources: string[] };
  expect(map.sources).toEqual(['../src/index.ts']);
  expect(readFileSync(join(report.outDir, 'index.js'), 'utf8')).toContain(
    '//# sourceMappingURL=index.js.map',
  );
});
