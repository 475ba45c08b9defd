import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { jsdocDefaults, optionTableRows } from '../test/support/documented-options.ts';
import { validateConfig } from './config.ts';
import { SlimConfigError } from './errors.ts';
import { defaultKnativeOptions } from './knative/options.ts';
import { showValue } from './option-table.ts';
import {
  defaultSlimOptions,
  resolveSlimOptions,
  slimOptionRows,
  slimOptionTable,
  type SlimOptions,
} from './options.ts';

/** The rows of the README's table of slim() options, cells trimmed. */
function readmeOptionRows(): string[][] {
  return optionTableRows(join(import.meta.dirname, '..', 'README.md'), '\n## Options', '\n### ');
}

describe('the declaration of slim() options', () => {
  test('is what the README table shows: every option, its default and its meaning, in order', () => {
    expect(readmeOptionRows()).toEqual(slimOptionRows());
  });

  test("gives every option of SlimOptions a JSDoc @default, the declaration's own for plain values", () => {
    const documented = jsdocDefaults(new URL('./options.ts', import.meta.url), 'SlimOptions');
    expect([...documented.keys()].sort()).toEqual(Object.keys(slimOptionTable).sort());
    for (const [name, value] of Object.entries(defaultSlimOptions)) {
      if (name === 'logger') continue;
      expect({ name, documented: documented.get(name) }).toEqual({ name, documented: showValue(value) });
    }
  });

  test('resolves to the defaults when nothing is given, in code or in a file', () => {
    const { projectDir, entry, target, ...rest } = resolveSlimOptions({});
    expect(rest).toEqual(defaultSlimOptions);
    expect({ projectDir, entry, target }).toEqual({
      projectDir: process.cwd(),
      entry: undefined,
      target: undefined,
    });
  });

  test('lets code win over the file key by key, merges knative one level deeper, and keeps an explicit null', () => {
    const resolved = resolveSlimOptions(
      { outDir: 'out', budgetBytes: null, knative: { image: 'r.example/fn:1' } },
      { outDir: 'deploy', minify: false, budgetBytes: 5_000_000, knative: { minScale: 1 } },
    );
    expect(resolved).toMatchObject({
      outDir: 'out',
      minify: false,
      budgetBytes: null,
      knative: { minScale: 1, image: 'r.example/fn:1' },
    });
  });

  test('refuses an unknown name given in code with the valid ones and the nearest', () => {
    expect(() => resolveSlimOptions({ outDr: 'deploy' } as SlimOptions)).toThrow(
      /^Invalid outDr: received "deploy"; expected a known option; valid ones are: projectDir, entry, outDir, .*, logger\. Did you mean `outDir`\?$/,
    );
    expect(() => resolveSlimOptions({ minfy: true } as SlimOptions)).toThrow(/Did you mean `minify`\?$/);
  });

  test('checks a value given in code exactly as the same value in a config file', () => {
    const bad: Array<[string, unknown]> = [
      ['minify', 'yes'],
      ['budgetBytes', -5],
      ['external', 'pg'],
      ['instrumentedAs', 'inline'],
      ['compileCacheTimeoutMs', 0],
      ['baseImage', ''],
      ['knative', { minscale: 1 }],
    ];
    for (const [name, value] of bad) {
      const fromCode = captured(() => resolveSlimOptions({ [name]: value }));
      const fromFile = captured(() => validateConfig({ [name]: value }, 'thaw.config.json'));
      expect(fromCode).toBeInstanceOf(SlimConfigError);
      expect(fromCode?.message, name).toBe(fromFile?.message);
    }
    expect(captured(() => resolveSlimOptions({ budgetBytes: -5 }))?.message).toBe(
      'Invalid budgetBytes: received -5; expected an integer number of bytes ≥ 1, or null.',
    );
  });

  test('keeps projectDir and logger out of config files', () => {
    expect(() => validateConfig({ projectDir: '.' }, 'thaw.config.json')).toThrow(/expected a known option/);
    expect(() => validateConfig({ logger: {} }, 'thaw.config.json')).toThrow(/expected a known option/);
  });
});

test('every documented @default of KnativeOptions matches defaultKnativeOptions', () => {
  const documented = jsdocDefaults(new URL('./knative/options.ts', import.meta.url), 'KnativeOptions');
  for (const [key, value] of Object.entries(defaultKnativeOptions)) {
    // Eventing objects are documented as "null writes none".
    expect({ key, documented: documented.get(key)?.split(' (')[0] }).toEqual({
      key,
      documented: showValue(value),
    });
  }
});

function captured(run: () => unknown): Error | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error as Error;
  }
}
