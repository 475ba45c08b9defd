import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { supportsPortableCompileCache } from '../src/compile-cache.ts';
import { fixtureProject } from './support/fixture-project.ts';

const cli = resolve(import.meta.dirname, 'support', 'thaw-cli.ts');
let project: string;

beforeAll(() => {
  project = fixtureProject('run-once-fn');
});

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

test.runIf(supportsPortableCompileCache(process.versions.node))(
  'a function that exits on its own instead of listening still gets its compile cache, and the build finishes',
  () => {
    const result = spawnSync(process.execPath, [cli, 'slim', '--out', 'deploy'], {
      cwd: project,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('compile cache: compile cache filled by Node');
    expect(existsSync(join(project, 'deploy', 'compile-cache'))).toBe(true);
  },
);
