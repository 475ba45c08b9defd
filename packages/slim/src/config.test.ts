import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { loadConfig, validateConfig } from './config.ts';
import { SlimConfigError, SlimError } from './errors.ts';

const dirs: string[] = [];
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'thaw-slim-config-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

test('an unknown key is an error that lists the valid ones', () => {
  expect(() => validateConfig({ outdir: 'deploy' }, 'thaw.config.json')).toThrow(
    /Invalid outdir: received "deploy"; expected a known option; valid ones are: entry, outDir, target, minify, .*knative\./,
  );
});

test('an unknown Knative key is an error naming knative.<key> and listing the valid Knative keys', () => {
  try {
    validateConfig({ knative: { minscale: 1 } }, 'thaw.config.json');
    expect.unreachable();
  } catch (error) {
    expect(error).toBeInstanceOf(SlimConfigError);
    expect((error as SlimConfigError).option).toBe('knative.minscale');
    expect((error as Error).message).toContain('minScale');
  }
});

test('a value of the wrong type names the option, the value and what is allowed', () => {
  expect(() => validateConfig({ minify: 'yes' }, 'x')).toThrow(
    'Invalid minify: received "yes"; expected true or false.',
  );
  expect(() => validateConfig({ budgetBytes: -5 }, 'x')).toThrow(/Invalid budgetBytes: received -5/);
  expect(() => validateConfig({ external: 'pg' }, 'x')).toThrow(
    'Invalid external: received "pg"; expected an array of strings.',
  );
});

test('options come from thaw.config.json', async () => {
  const dir = project({
    'package.json': '{}',
    'thaw.config.json': '{"outDir":"out","knative":{"minScale":1}}',
  });
  expect(await loadConfig(dir)).toEqual({
    config: { outDir: 'out', knative: { minScale: 1 } },
    source: 'thaw.config.json',
  });
});

test('options come from the thaw field of package.json', async () => {
  const dir = project({ 'package.json': '{"thaw":{"minify":false}}' });
  expect(await loadConfig(dir)).toEqual({ config: { minify: false }, source: 'package.json#thaw' });
});

test('options come from thaw.config.ts, compiled on the fly', async () => {
  const dir = project({
    'package.json': '{"type":"module"}',
    'thaw.config.ts':
      "const budget: number = 5_000_000;\nexport default { budgetBytes: budget, external: ['sharp'] as string[] };\n",
  });
  expect(await loadConfig(dir)).toEqual({
    config: { budgetBytes: 5_000_000, external: ['sharp'] },
    source: 'thaw.config.ts',
  });
});

test('two config sources at once are refused instead of one silently winning', async () => {
  const dir = project({ 'package.json': '{"thaw":{}}', 'thaw.config.json': '{}' });
  await expect(loadConfig(dir)).rejects.toThrow(
    /Invalid config file: received \["thaw.config.json","package.json#thaw"\]/,
  );
});

test('a config file that is not valid JSON says which file', async () => {
  const dir = project({ 'package.json': '{}', 'thaw.config.json': '{ nope' });
  await expect(loadConfig(dir)).rejects.toThrow(SlimError);
  await expect(loadConfig(dir)).rejects.toThrow(/thaw\.config\.json/);
});
