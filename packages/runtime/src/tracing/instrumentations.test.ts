import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInstrumentations, patchLoadedModules, patchLoadedModulesPaced } from './instrumentations.ts';

// A package on disk that counts how often its code runs.
const dir = mkdtempSync(join(tmpdir(), 'thaw-instrumentations-'));
mkdirSync(join(dir, 'node_modules', 'counted-module'), { recursive: true });
writeFileSync(
  join(dir, 'node_modules', 'counted-module', 'index.js'),
  'globalThis.countedModuleLoads = (globalThis.countedModuleLoads ?? 0) + 1; module.exports = {};\n',
);
const requireHere = createRequire(join(dir, 'index.js'));
const loads = (): number => (globalThis as { countedModuleLoads?: number }).countedModuleLoads ?? 0;
const instrumentationOf = (...names: string[]): object => ({
  getModuleDefinitions: () => names.map((name) => ({ name })),
});

describe('instrumentations', () => {
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the named instrumentation packages, with the modules each patches', async () => {
    const { instrumentations, problems } = await loadInstrumentations(['pg', 'ioredis', 'http']);
    expect(problems).toEqual([]);
    const loaded = instrumentations as Array<{
      getModuleDefinitions(): Array<{ name: string }>;
      disable(): void;
    }>;
    // Constructed instrumentations are enabled; this process must not keep their hooks.
    for (const instrumentation of loaded) instrumentation.disable();
    const names = loaded.map((i) =>
      i
        .getModuleDefinitions()
        .map((d) => d.name)
        .sort(),
    );
    expect(names).toEqual([['pg', 'pg-pool'], ['ioredis'], ['http', 'https']]);
  });

  it('never loads a module the process has not loaded itself', () => {
    expect(patchLoadedModules([instrumentationOf('counted-module', 'not-installed')], requireHere)).toEqual(
      [],
    );
    expect(loads()).toBe(0);
  });

  it('requires a module that is already loaded once more, from the module cache', () => {
    requireHere('counted-module');
    expect(patchLoadedModules([instrumentationOf('counted-module')], requireHere)).toEqual([
      'counted-module',
    ]);
    expect(loads()).toBe(1);
  });

  it('hands the loaded modules to the hooks one per step when paced, the pace awaited before each', async () => {
    requireHere('counted-module');
    const log: string[] = [];
    const pace = (): Promise<void> => {
      log.push('pace');
      return Promise.resolve();
    };
    const seen = instrumentationOf('counted-module', 'builtin-free', 'node:os');
    const patched = await patchLoadedModulesPaced([seen], pace, requireHere);
    expect(patched).toEqual(['counted-module', 'node:os']);
    // A pace before each module handed over, and one before the scan that finds no more.
    expect(log).toEqual(['pace', 'pace', 'pace']);
  });
});
