import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { defaultKnativeOptions } from './knative/options.ts';
import { defaultSlimOptions } from './options.ts';

// Reads `name?: …` fields and their `@default <literal>` from an options file.
function documentedDefaults(file: string, interfaceName: string): Map<string, string> {
  const source = readFileSync(new URL(file, import.meta.url), 'utf8');
  const body = source.slice(source.indexOf(`export interface ${interfaceName} {`));
  const end = body.indexOf('\n}\n');
  const defaults = new Map<string, string>();
  const pattern = /@default ([^*\n]+?)\s*\*\/\s*readonly (\w+)\?:/g;
  for (const match of body.slice(0, end).matchAll(pattern)) defaults.set(match[2]!, match[1]!.trim());
  return defaults;
}

function literal(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value) && value.length === 0) return '[]';
  if (typeof value === 'object' && value !== null && Object.keys(value).length === 0) return '{}';
  return String(value);
}

test('every documented @default of SlimOptions matches defaultSlimOptions', () => {
  const documented = documentedDefaults('./options.ts', 'SlimOptions');
  for (const [key, value] of Object.entries(defaultSlimOptions)) {
    if (key === 'logger') continue;
    expect({ key, documented: documented.get(key) }).toEqual({ key, documented: literal(value) });
  }
});

test('every documented @default of KnativeOptions matches defaultKnativeOptions', () => {
  const documented = documentedDefaults('./knative/options.ts', 'KnativeOptions');
  for (const [key, value] of Object.entries(defaultKnativeOptions)) {
    const doc = documented.get(key);
    // Eventing objects are documented as "null writes none".
    expect({ key, documented: doc?.split(' (')[0] }).toEqual({ key, documented: literal(value) });
  }
});
