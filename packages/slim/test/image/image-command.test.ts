import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTinyBase, writeDeployFolder } from './support/fixtures.ts';
import { requireTools } from './support/tools.ts';

const main = join(import.meta.dirname, '..', 'support', 'thaw-cli.ts');

function thaw(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [main, 'image', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the thaw image command', () => {
  let dir: string;

  beforeAll(async () => {
    requireTools(['umoci']);
    dir = mkdtempSync(join(tmpdir(), 'thaw-image-cli-'));
    await makeTinyBase(join(dir, 'base'));
    writeDeployFolder(join(dir, 'deploy'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints its usage with --help and exits 0', () => {
    const { status, stdout } = thaw(['--help']);
    expect(status).toBe(0);
    expect(stdout).toContain(
      'Usage: thaw image --tag <ref> [--push | --oci-layout <dir> | --tarball <file>]',
    );
  });

  it('exits 2 with a clear message on conflicting outputs or unknown flags', () => {
    const both = thaw(['--push', '--tarball', 'x.tar', '--tag', 'r.example/a:1']);
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('Pass only one of --push, --oci-layout <dir> and --tarball <file>.');
    const unknown = thaw(['--colour']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/--colour.*See thaw image --help/su);
  });

  it('builds an image into an OCI layout and prints the size of each layer and the function share', () => {
    const { status, stdout, stderr } = thaw([
      '--base',
      `oci:${join(dir, 'base')}:tiny`,
      '--tag',
      'example.test/fn/hello:1',
      '--oci-layout',
      join(dir, 'out'),
      join(dir, 'deploy'),
    ]);
    expect(stderr).toContain('thaw image: wrote OCI layout');
    expect(status).toBe(0);
    expect(stdout).toMatch(/^dependencies +unique +[0-9a-f]{12} +\d+ B +\d+\.\d+ kB$/mu);
    expect(stdout).toMatch(/^app +unique +[0-9a-f]{12} /mu);
    expect(stdout).toMatch(/the function adds \d+\.\d+ %/u);
    expect(stdout.trim().split('\n').at(-1)).toMatch(/^sha256:[0-9a-f]{64}$/u);
  });
});
