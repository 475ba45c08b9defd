import { readFileSync, rmSync, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import slimExecutor from '../src/executors/slim/executor.ts';
import { configKeys } from '../src/options.ts';
import { fixtureProject } from './support/fixture-project.ts';

const packageDir = resolve(import.meta.dirname, '..');
let project: string;

beforeAll(() => {
  project = fixtureProject('hello-fn');
});

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

test('the executor schema describes exactly the config options plus projectDir', () => {
  const schema = JSON.parse(readFileSync(join(packageDir, 'src/executors/slim/schema.json'), 'utf8')) as {
    properties: Record<string, unknown>;
    additionalProperties: boolean;
  };
  expect(Object.keys(schema.properties).sort()).toEqual([...configKeys, 'projectDir'].sort());
  expect(schema.additionalProperties).toBe(false);
});

test('package.json points Nx at executors.json, which names @thaw/slim:slim', () => {
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { executors: string };
  const executors = JSON.parse(readFileSync(join(packageDir, pkg.executors), 'utf8')) as {
    executors: Record<string, { implementation: string; schema: string }>;
  };
  expect(executors.executors['slim']).toMatchObject({
    implementation: './dist/executors/slim/executor.js',
    schema: './dist/executors/slim/schema.json',
  });
});

test('running the executor for an Nx project slims that project', async () => {
  const result = await slimExecutor(
    { outDir: 'deploy-nx', compileCache: false },
    {
      root: dirname(project),
      projectName: 'hello',
      projectsConfigurations: { projects: { hello: { root: basename(project) } } },
    },
  );
  expect(result).toEqual({ success: true });
  expect(existsSync(join(project, 'deploy-nx', 'thaw-slim.json'))).toBe(true);
});

test('a failing build reports failure to Nx instead of throwing', async () => {
  const result = await slimExecutor({ entry: 'src/missing.ts', compileCache: false }, { root: project });
  expect(result).toEqual({ success: false });
});
