import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packWorkspace, repoRoot, scratchProject, scratchProjectWithTarballs } from '../support/packed.ts';

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

// Each package in an empty project of its own, installed from its tarball and those of the thaw
// packages it depends on, nothing else: a dependency on a workspace package that is not
// published with it (a 404 from the registry) fails the install.
describe('each package installed alone from its own tarball', () => {
  let tarballs: ReturnType<typeof packWorkspace>;
  const dirs: string[] = [];
  const alone = (...packed: string[]): string => {
    const dir = scratchProject(packed);
    dirs.push(dir);
    return dir;
  };
  const run = (dir: string, script: string): string =>
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' });

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'thaw-tarballs-'));
    dirs.push(dir);
    tarballs = packWorkspace(dir);
  }, 120_000);

  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('@thaw/runtime serves a request', () => {
    const dir = alone(tarballs.runtime);
    const out = run(
      dir,
      `
      import { serve } from '@thaw/runtime';
      const server = serve(() => new Response('alone'), { port: 0, host: '127.0.0.1', handleSignals: false, startupReport: 'off', env: {} });
      const { port } = await server.listening;
      await server.ready;
      const response = await fetch('http://127.0.0.1:' + port + '/');
      console.log(response.status, await response.text());
      await server.close();
      `,
    );
    expect(out.trim()).toBe('200 alone');
  }, 120_000);

  it('@thaw/slim builds a deploy folder', () => {
    const dir = alone(tarballs.slim);
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'index.mjs'), "export default () => 'alone';\n");
    const out = run(
      dir,
      `
      import { slim } from '@thaw/slim';
      const report = await slim({ entry: 'src/index.mjs', compileCache: false, logger: { info() {}, warn() {} } });
      console.log(report.manifest.entry, report.manifest.files.map((f) => f.path).join(','));
      `,
    );
    // The source map stays beside the bundle; it is a runtime file only with enableSourceMaps.
    expect(out.trim()).toBe('index.js index.js,package.json');
    expect(existsSync(join(dir, 'deploy', 'index.js.map'))).toBe(true);
    expect(existsSync(join(dir, 'deploy', 'Dockerfile'))).toBe(true);
  }, 120_000);

  it('@thaw/bench measures a cold start', () => {
    const dir = alone(tarballs.bench);
    writeFileSync(
      join(dir, 'hello.mjs'),
      "import { createServer } from 'node:http';\ncreateServer((req, res) => res.end('hi')).listen(Number(process.env.PORT));\n",
    );
    const out = run(
      dir,
      `
      import { parseBenchFile, renderJson, runBench } from '@thaw/bench';
      const plan = parseBenchFile({ version: 1, variants: [{ name: 'hello', command: ['node', 'hello.mjs'] }] }, { baseDir: process.cwd() });
      const result = await runBench(plan, { runs: 1, warmupRuns: 0, cooldownMs: 0 }, { handleSignals: false });
      const run = result.runs[0];
      console.log(result.runs.length, result.summary.variants[0].name, run.failure === undefined, run.firstResponseMs > 0, JSON.parse(renderJson(result)).version);
      `,
    );
    expect(out.trim()).toBe('1 hello true true 1');
  }, 120_000);

  it('@thaw/cli, with only the tarballs of the thaw packages it depends on, answers `npx thaw --help`', () => {
    const { dependencies } = JSON.parse(
      readFileSync(join(repoRoot, 'packages', 'cli', 'package.json'), 'utf8'),
    ) as { dependencies: Record<string, string> };
    const thawDependencies = Object.keys(dependencies)
      .filter((name) => name.startsWith('@thaw/'))
      .map((name) => tarballs[name.slice('@thaw/'.length) as keyof typeof tarballs]);
    expect(thawDependencies).toEqual(expect.arrayContaining([tarballs.slim, tarballs.bench]));
    const dir = alone(tarballs.cli, ...thawDependencies);
    const result = spawnSync('npx', ['--no-install', 'thaw', '--help'], { cwd: dir, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^\s+slim\s/m);
    expect(result.stdout).toMatch(/^\s+bench\s/m);
  }, 120_000);
});

describe('the workspace after npm ci && npm run build', () => {
  it('links node_modules/.bin/thaw to @thaw/cli, so `npx thaw --help` answers', () => {
    expect(realpathSync(join(repoRoot, 'node_modules', '.bin', 'thaw'))).toBe(
      join(repoRoot, 'packages', 'cli', 'bin', 'thaw.js'),
    );
    const result = spawnSync('npx', ['--no-install', 'thaw', '--help'], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^\s+image\s/m);
  });
});
