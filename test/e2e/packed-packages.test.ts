import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, scratchProjectWithTarballs } from '../support/packed.ts';

describe('the packages as a user installs them', () => {
  let dir = '';

  beforeAll(() => {
    dir = scratchProjectWithTarballs();
  }, 180_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('each package imports as plain JavaScript, without TypeScript at run time', () => {
    const script = `
      const runtime = await import('@thaw/runtime');
      const bench = await import('@thaw/bench');
      const slim = await import('@thaw/slim');
      console.log(JSON.stringify({ runtime: Object.keys(runtime).sort(), bench: Object.keys(bench).length, slim: Object.keys(slim).length }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dir,
      encoding: 'utf8',
    });
    const exported = JSON.parse(out) as { runtime: string[]; bench: number; slim: number };
    expect(exported.runtime).toContain('ThawError');
    expect(exported.bench).toBeGreaterThan(0);
    expect(exported.slim).toBeGreaterThan(0);
  });

  it('the types resolve for a TypeScript consumer under NodeNext and strict settings', () => {
    writeFileSync(
      join(dir, 'check.ts'),
      [
        "import { ThawError, type StartupReport } from '@thaw/runtime';",
        "const error: ThawError = new ThawError('THAW_CONFIG_INVALID', 'bad');",
        'const report: Pick<StartupReport, "event"> = { event: "thaw.startup" };',
        'export const checked = [error.code, report.event];',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2023',
          strict: true,
          noEmit: true,
          types: ['node'],
          typeRoots: [join(repoRoot, 'node_modules', '@types')],
        },
        files: ['check.ts'],
      }),
    );
    const tsc = spawnSync(
      process.execPath,
      [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  it('installs one `thaw` command whose help lists slim, image and bench', () => {
    const result = spawnSync(join(dir, 'node_modules', '.bin', 'thaw'), ['--help'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^\s+slim\s/m);
    expect(result.stdout).toMatch(/^\s+image\s/m);
    expect(result.stdout).toMatch(/^\s+bench\s/m);
  });

  it('`thaw` with an unknown command exits 2 and names the valid ones', () => {
    const result = spawnSync(join(dir, 'node_modules', '.bin', 'thaw'), ['deploy'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown command "deploy"');
    expect(result.stderr).toContain('slim, image, bench');
  });
});
