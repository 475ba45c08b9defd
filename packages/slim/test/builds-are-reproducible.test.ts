import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { listFiles } from '../src/deploy-folder.ts';
import { slim, type SlimReport } from '../src/slim.ts';
import { fixtureProject } from './support/fixture-project.ts';
import { recordingLogger } from './support/quiet-logger.ts';

let project: string;
let first: SlimReport;
let second: SlimReport;

beforeAll(async () => {
  project = fixtureProject('traced-fn');
  first = await slim({ projectDir: project, outDir: 'deploy-a', logger: recordingLogger() });
  second = await slim({ projectDir: project, outDir: 'deploy-b', logger: recordingLogger() });
});

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

test('building twice gives byte-identical deploy folders, compile cache included', () => {
  const files = listFiles(first.outDir);
  expect(listFiles(second.outDir)).toEqual(files);
  expect(files.some((f) => f.startsWith('compile-cache/'))).toBe(first.compileCache.shipped);
  for (const path of files) {
    const same = readFileSync(join(first.outDir, path)).equals(readFileSync(join(second.outDir, path)));
    expect({ path, same }).toEqual({ path, same: true });
  }
});

test('every file has the fixed mtime and a normalized mode', () => {
  for (const path of listFiles(first.outDir)) {
    const stat = statSync(join(first.outDir, path));
    expect({ path, mtime: stat.mtimeMs / 1000, mode: stat.mode & 0o777 }).toEqual({
      path,
      mtime: 315_532_800,
      mode: 0o644,
    });
  }
});
