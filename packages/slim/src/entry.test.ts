import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { resolveEntry, targetFromEngines } from './entry.ts';

test('the esbuild target is the lowest Node version engines.node allows', () => {
  expect(targetFromEngines('^22.12.0 || ^24.0.0')).toBe('node22.12.0');
  expect(targetFromEngines('>=20.10')).toBe('node20.10.0');
  expect(targetFromEngines(undefined, '24.21.0')).toBe('node24');
  expect(targetFromEngines('*', '22.23.3')).toBe('node22');
});

test('the entry defaults to main, then exports["."]', () => {
  const dir = mkdtempSync(join(tmpdir(), 'thaw-slim-entry-'));
  try {
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'a.ts'), '');
    writeFileSync(join(dir, 'src', 'b.ts'), '');
    expect(resolveEntry(dir, undefined, { main: 'src/a.ts' })).toBe(join(dir, 'src', 'a.ts'));
    expect(resolveEntry(dir, undefined, { exports: { '.': { import: './src/b.ts' } } })).toBe(
      join(dir, 'src', 'b.ts'),
    );
    expect(resolveEntry(dir, 'src/b.ts', { main: 'src/a.ts' })).toBe(join(dir, 'src', 'b.ts'));
    expect(resolveEntry(dir, undefined, { main: 'dist/a.js' })).toBe(join(dir, 'src', 'a.ts'));
    expect(() => resolveEntry(dir, 'dist/a.js', null)).toThrow(/does not exist/);
    expect(() => resolveEntry(dir, undefined, {})).toThrow(/no "main" or "exports"/);
    expect(() => resolveEntry(dir, 'src/missing.ts', null)).toThrow(/does not exist/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
