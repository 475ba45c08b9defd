import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { slim } from '../src/slim.ts';
import { recordingLogger } from './support/quiet-logger.ts';

const root = mkdtempSync(join(tmpdir(), 'thaw-slim-linked-'));

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function writeJson(file: string, value: unknown): void {
  writeFileSync(file, JSON.stringify(value, null, 2));
}

test('the size report counts a linked package (a workspace, npm link) as bundled, by its name', async () => {
  // The package lives outside the project; node_modules only holds a symlink to it, as npm
  // workspaces install one. esbuild then names its files by their real path.
  const library = join(root, 'packages', 'greeting');
  mkdirSync(library, { recursive: true });
  writeJson(join(library, 'package.json'), {
    name: '@acme/greeting',
    version: '1.0.0',
    type: 'module',
    main: 'index.js',
  });
  writeFileSync(
    join(library, 'index.js'),
    'export const greeting = (name) => `Hello ${name}, from a linked package!`;\n',
  );

  const project = join(root, 'fn');
  mkdirSync(join(project, 'node_modules', '@acme'), { recursive: true });
  symlinkSync(library, join(project, 'node_modules', '@acme', 'greeting'), 'dir');
  writeJson(join(project, 'package.json'), {
    name: 'linked-fn',
    version: '1.0.0',
    type: 'module',
    main: 'index.js',
    dependencies: { '@acme/greeting': '1.0.0' },
  });
  writeFileSync(
    join(project, 'index.js'),
    "import { greeting } from '@acme/greeting';\nconsole.log(greeting('you'));\n",
  );

  const report = await slim({
    projectDir: project,
    outDir: join(root, 'deploy'),
    compileCache: false,
    logger: recordingLogger(),
  });
  const entry = report.size.heaviest.find((module) => module.name === '@acme/greeting');
  expect(entry?.became).toMatch(/^bundled: \d+ B of code$/);
});
