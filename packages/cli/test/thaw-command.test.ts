import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const main = join(import.meta.dirname, '..', 'src', 'main.ts');

function thaw(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('thaw --help lists slim, image and bench and exits 0', () => {
  const { status, stdout } = thaw(['--help']);
  expect(status).toBe(0);
  expect(stdout).toContain('Usage: thaw <command> [options]');
  for (const name of ['slim', 'image', 'bench']) expect(stdout).toMatch(new RegExp(`^\\s+${name}\\s`, 'm'));
});

test('thaw alone prints the help and exits 2 (bad arguments)', () => {
  const { status, stdout } = thaw([]);
  expect(status).toBe(2);
  expect(stdout).toContain('Commands:');
});

test('thaw --version prints the package version', () => {
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  expect(thaw(['--version']).stdout.trim()).toBe(pkg.version);
});

test('an unknown command exits 2 and names the valid ones', () => {
  const { status, stderr } = thaw(['deploy']);
  expect(status).toBe(2);
  expect(stderr).toContain('unknown command "deploy"');
  expect(thaw(['slm']).stderr).toContain('unknown command "slm"; did you mean slim?');
  expect(stderr).toContain('slim, image, bench');
});

test.each([
  ['slim', 'Usage: thaw slim [entry] [options]'],
  ['image', 'Usage: thaw image --tag <ref>'],
  ['bench', 'thaw bench'],
])('thaw %s --help runs that package’s command', (name, usage) => {
  const { status, stdout } = thaw([name, '--help']);
  expect(status).toBe(0);
  expect(stdout).toContain(usage);
});
