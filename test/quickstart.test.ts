import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Podman, requirePodman } from '../packages/bench/src/containers/podman.ts';
import { makeNodeBase } from '../packages/slim/test/image/support/fixtures.ts';
import { crdValidators, validateManifest } from '../packages/slim/test/support/crd-validator.ts';
import { freePort } from './support/function-process.ts';
import { repoRoot } from './support/packed.ts';

// Follows the top README's "Use thaw in your own function" as written: each step's commands are
// the README's fenced block after its `<!-- quickstart: NAME -->` marker, run with bash in a
// scratch folder outside the repository, so the section cannot drift from what works.
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

function block(name: string): string {
  const marker = `<!-- quickstart: ${name} -->`;
  const at = readme.indexOf(marker);
  if (at === -1) throw new Error(`README.md has no ${marker}`);
  const fence = /```[a-z]*\n([\s\S]*?)```/.exec(readme.slice(at + marker.length));
  if (fence?.[1] === undefined) throw new Error(`No fenced block after ${marker}`);
  return fence[1];
}

// Lower case: podman names an image pulled from `oci:<dir>` after the folder.
const scratch = join(tmpdir(), `thaw-quickstart-${String(process.pid)}-${String(Date.now())}`);
mkdirSync(scratch);
const home = join(scratch, 'home');
// What the pack block exports, for the later blocks (the reader's one terminal).
const tarballs = join(home, 'thaw-tarballs');
const fn = join(scratch, 'work', 'hello-thaw');
const env = {
  ...process.env,
  // The README's "Node.js 22.12 or 24": the project's own Node first on PATH, as npx finds it.
  PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}`,
  HOME: home,
  THAW_TARBALLS: tarballs,
  npm_config_cache: join(process.env['HOME'] ?? tmpdir(), '.npm'),
};

function sh(name: string, cwd: string, extraEnv: Record<string, string> = {}): string {
  const result = spawnSync('bash', ['-euo', 'pipefail', '-c', block(name)], {
    cwd,
    env: { ...env, ...extraEnv },
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (result.status !== 0)
    throw new Error(
      `The README's ${name} block exited ${String(result.status)}:\n${result.stdout}\n${result.stderr}`,
    );
  return result.stdout;
}

const hasPodman = spawnSync('podman', ['--version']).status === 0;

/** Ctrl-C in a terminal: SIGINT to the foreground process group (npx, thaw dev, the function). */
function ctrlC(child: ChildProcess): void {
  process.kill(-(child.pid ?? 0), 'SIGINT');
}

describe("the README's quickstart, followed as written", () => {
  let dev: ChildProcess | undefined;
  afterAll(async () => {
    if (dev !== undefined && dev.exitCode === null && dev.signalCode === null) {
      const closed = new Promise((resolve) => dev?.once('close', resolve));
      ctrlC(dev);
      await closed;
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  beforeAll(() => {
    mkdirSync(home, { recursive: true });
    mkdirSync(join(scratch, 'work'), { recursive: true });
    sh('pack', repoRoot);
    sh('install', join(scratch, 'work'));
    const file = 'src/index.ts';
    mkdirSync(join(fn, 'src'), { recursive: true });
    writeFileSync(join(fn, file), block(`file ${file}`));
  }, 600_000);

  it('installs the four packages from their tarballs outside the repository', () => {
    const pkg = JSON.parse(readFileSync(join(fn, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies).sort()).toEqual([
      '@thaw/bench',
      '@thaw/cli',
      '@thaw/runtime',
      '@thaw/slim',
    ]);
    expect(readdirSync(join(fn, 'node_modules', '@thaw')).sort()).toEqual([
      'bench',
      'cli',
      'runtime',
      'slim',
    ]);
  });

  it('thaw dev runs the function and thaw invoke gets its answer', async () => {
    const port = String(await freePort());
    dev = spawn('bash', ['-euo', 'pipefail', '-c', `exec ${block('dev').trim()}`], {
      cwd: fn,
      env: { ...env, PORT: port },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so Ctrl-C can be sent as a terminal sends it: to the whole group.
      detached: true,
    });
    let out = '';
    dev.stderr?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    dev.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const deadline = Date.now() + 60_000;
    while (!/thaw dev: ready in/.test(out)) {
      if (Date.now() > deadline || dev.exitCode !== null) throw new Error(`thaw dev did not start:\n${out}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const answer = sh('invoke', fn, { PORT: port });
    expect(answer).toMatch(/^HTTP 200 OK\n/);
    expect(answer).toContain('Hello from thaw at /orders\n');
    const closed = new Promise<[number | null, string | null]>((resolve) =>
      dev?.once('close', (code, signal) => {
        resolve([code, signal]);
      }),
    );
    ctrlC(dev);
    // npx passes the SIGINT on and ends by it; thaw dev under it exits 0 after the drain.
    expect([
      [0, null],
      [null, 'SIGINT'],
    ]).toContainEqual(await closed);
    expect(out).toContain('Shutting down');
    expect(spawnSync('bash', ['-c', block('invoke')], { cwd: fn, env: { ...env, PORT: port } }).status).toBe(
      1,
    );
  }, 120_000);

  it('thaw slim writes the deploy folder and the offline thaw image builds the image from it', async () => {
    sh('slim', fn);
    for (const file of ['index.js', 'Dockerfile', 'thaw-slim.json', 'knative/service.yaml'])
      expect(readdirSync(join(fn, 'deploy'), { recursive: true })).toContain(file);
    // The README copies the base with skopeo while online; here it is built from this Node.
    await makeNodeBase(join(fn, 'base'), 'node');
    sh('image-offline', fn);
    const index = JSON.parse(readFileSync(join(fn, 'image', 'index.json'), 'utf8')) as {
      manifests: Array<{ mediaType: string; digest: string }>;
    };
    expect(index.manifests.length).toBeGreaterThan(0);
  }, 300_000);

  it.skipIf(!hasPodman)(
    'the image runs under podman and answers',
    async () => {
      requirePodman();
      const store = mkdtempSync(join(tmpdir(), 'thaw-quickstart-podman-'));
      const podman = new Podman({ root: join(store, 'storage'), runRoot: join(store, 'run') });
      try {
        const index = JSON.parse(readFileSync(join(fn, 'image', 'index.json'), 'utf8')) as {
          manifests: Array<{ annotations?: Record<string, string> }>;
        };
        const name = index.manifests[0]?.annotations?.['org.opencontainers.image.ref.name'];
        await podman.exec([
          'pull',
          '--quiet',
          `oci:${join(fn, 'image')}${name === undefined ? '' : `:${name}`}`,
        ]);
        const id = (await podman.exec(['images', '--quiet', '--no-trunc'])).trim().split('\n')[0] ?? '';
        const port = await freePort();
        const container = await podman.run({
          image: id,
          env: { PORT: String(port) },
          cpus: 1,
          memoryBytes: 256 * 2 ** 20,
        });
        try {
          const deadline = Date.now() + 20_000;
          let answer = '';
          while (Date.now() < deadline) {
            try {
              const res = await fetch(`http://127.0.0.1:${port}/quickstart`, {
                headers: { connection: 'close' },
              });
              answer = await res.text();
              break;
            } catch {
              await new Promise((resolve) => setTimeout(resolve, 100));
            }
          }
          expect(answer).toBe('Hello from thaw at /quickstart\n');
          await container.kill('SIGTERM');
          expect(await container.wait()).toBe(0);
        } finally {
          await container.remove().catch(() => undefined);
        }
      } finally {
        await podman.resetStore().catch(() => undefined);
        rmSync(store, { recursive: true, force: true });
      }
    },
    120_000,
  );

  it('the manifests kubectl would apply are valid against the Knative CRDs', () => {
    expect(block('deploy').trim()).toBe('kubectl apply -f deploy/knative/');
    const validators = crdValidators();
    const dir = join(fn, 'deploy', 'knative');
    const files = readdirSync(dir).filter((file) => file.endsWith('.yaml'));
    expect(files).toContain('service.yaml');
    for (const file of files) {
      for (const document of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
        const manifest = document.toJSON() as { apiVersion?: string; kind?: string } | null;
        if (manifest === null) continue;
        expect(validateManifest(validators, manifest), `${file} ${manifest.kind ?? ''}`).toEqual([]);
      }
    }
  });
});
