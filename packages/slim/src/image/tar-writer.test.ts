import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type TarEntry, tarChunks } from './tar-writer.ts';

const longDir = `app/node_modules/${'deeply-nested-package-name/'.repeat(8)}`;
const entries: TarEntry[] = [
  { type: 'directory', path: 'app', mode: 0o755 },
  { type: 'file', path: 'app/index.js', mode: 0o644, data: Buffer.from('console.log(1);\n') },
  { type: 'file', path: `${longDir}index.js`, mode: 0o755, data: Buffer.from('x'.repeat(700)) },
  { type: 'file', path: `app/${'n'.repeat(120)}.js`, mode: 0o644, data: Buffer.from('long leaf') },
  { type: 'symlink', path: 'app/link', target: `${'../'.repeat(40)}target` },
];

function tarOf(list: TarEntry[]): Buffer {
  return Buffer.concat([...tarChunks(list, { uid: 65532, gid: 65532, mtimeSec: 1_700_000_000 })]);
}

describe('tarChunks', () => {
  it('writes archives GNU tar lists and extracts, long names and link targets included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'thaw-tar-'));
    try {
      const file = join(dir, 'layer.tar');
      writeFileSync(file, tarOf(entries));
      const listing = execFileSync('tar', ['-tvf', file, '--numeric-owner'], {
        encoding: 'utf8',
        env: { ...process.env, TZ: 'UTC' },
      });
      expect(listing).toContain(`${longDir}index.js`);
      expect(listing).toContain(`app/${'n'.repeat(120)}.js`);
      expect(listing).toContain(`app/link -> ${'../'.repeat(40)}target`);
      expect(listing.match(/65532\/65532/gu)).toHaveLength(entries.length);
      expect(listing).toContain('2023-11-14 22:13');
      execFileSync('tar', ['-xf', file, '-C', dir]);
      expect(readFileSync(join(dir, longDir, 'index.js'), 'utf8')).toBe('x'.repeat(700));
      expect(readFileSync(join(dir, 'app', `${'n'.repeat(120)}.js`), 'utf8')).toBe('long leaf');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the same bytes for the same entries', () => {
    expect(tarOf(entries).equals(tarOf(entries))).toBe(true);
    expect(tarOf(entries).byteLength % 512).toBe(0);
  });
});
