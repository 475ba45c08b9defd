import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The conventions every `thaw` command shares: exit codes 0/1/2 stated in its help, a misspelled
// flag answered with the nearest valid one (exit 2), `--json` a flag that prints JSON on stdout.
const main = join(import.meta.dirname, '..', 'src', 'main.ts');
const empty = mkdtempSync(join(tmpdir(), 'thaw-conventions-'));
afterAll(() => {
  rmSync(empty, { recursive: true, force: true });
});

function thaw(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [main, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    cwd: empty,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const commands = ['dev', 'invoke', 'slim', 'image', 'bench'] as const;

describe.each(commands)('thaw %s', (command) => {
  it('states the exit codes 0, 1 and 2 in its help', () => {
    const { status, stdout } = thaw([command, '--help']);
    expect(status).toBe(0);
    const codes = stdout.slice(stdout.indexOf('Exit codes:'));
    expect(stdout).toContain('Exit codes:');
    for (const code of ['0', '1', '2']) expect(codes).toMatch(new RegExp(`^  ${code}  \\S`, 'm'));
    expect(codes).toMatch(/^ {2}2 {2}bad arguments/m);
  });

  it('answers a misspelled flag with the nearest valid one and exits 2', () => {
    const { status, stderr } = thaw([command, '--hepl']);
    expect(status).toBe(2);
    expect(stderr).toBe(
      `thaw ${command}: unknown flag --hepl; did you mean --help? See thaw ${command} --help.\n`,
    );
  });

  it('documents --json as a flag without a value', () => {
    expect(thaw([command, '--help']).stdout).toMatch(/^ +--json {3,}\S/m);
  });
});

describe('bad arguments exit 2', () => {
  it('thaw alone prints the help and exits 2', () => {
    const { status, stdout } = thaw([]);
    expect(status).toBe(2);
    expect(stdout).toContain('Exit codes:');
  });

  it('thaw slim without an entry module', () => {
    const { status, stderr } = thaw(['slim']);
    expect(status).toBe(2);
    expect(stderr).toContain('No entry module was given');
  });

  it('thaw slim --output answers with --out', () => {
    const { status, stderr } = thaw(['slim', '--output', 'x']);
    expect(status).toBe(2);
    expect(stderr).toBe('thaw slim: unknown flag --output; did you mean --out? See thaw slim --help.\n');
  });

  it('thaw image without a deploy folder', () => {
    const { status, stderr } = thaw(['image', '--tag', 'fn:1', '--oci-layout', 'out', 'missing']);
    expect(status).toBe(2);
    expect(stderr).toContain('missing');
  });

  it('thaw bench with the old --json FILE and --md FILE spellings names the new flags', () => {
    const json = thaw(['bench', '--variant', 'a=node a.js', '--json', 'out.json']);
    expect(json.status).toBe(2);
    expect(json.stderr).toContain('--json takes no file');
    expect(json.stderr).toContain('--json-file out.json');
    const md = thaw(['bench', 'report', 'r.json', '--md', 'r.md']);
    expect(md.status).toBe(2);
    expect(md.stderr).toContain('--md is now --md-file FILE.');
  });
});
