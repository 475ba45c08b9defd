// thaw bench interrupted while a container variant runs: the container, the private store, the
// registry and its proxy are all gone afterwards, and the harness exits as interrupted.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { importRootfs, localImagePath, writeBusyboxRootfs } from '../../src/containers/local-image.ts';
import { requirePodman } from '../../src/containers/podman.ts';
import { type PrivateStore, privateStore } from './private-store.ts';

let store: PrivateStore;
let scratch = '';

beforeAll(async () => {
  requirePodman(['skopeo', 'docker-registry']);
  store = privateStore();
  const rootfs = join(store.dir, 'rootfs');
  writeBusyboxRootfs(rootfs);
  await importRootfs(store.podman, rootfs, 'localhost/thaw-sleeper:1', {
    cmd: ['sleep', '60'],
    env: { PATH: localImagePath },
  });
  await store.podman.exec([
    'push',
    '--quiet',
    'localhost/thaw-sleeper:1',
    `oci:${join(store.dir, 'layout')}:sleeper`,
  ]);
  scratch = mkdtempSync(join(store.dir, 'scratch-'));
}, 120_000);
afterAll(async () => {
  await store.dispose();
});

function runcBundlesUnder(parent: string): string[] {
  const list = JSON.parse(
    execFileSync('runc', ['list', '--format', 'json'], { encoding: 'utf8' }) || 'null',
  ) as { bundle: string }[] | null;
  return (list ?? []).map((c) => c.bundle).filter((bundle) => bundle.includes(parent));
}

function processesMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/u.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

it.each(['SIGINT', 'SIGTERM'] as const)(
  'removes the container, its store and its registry when the benchmark is interrupted by %s',
  async (signal) => {
    const harness = spawn(
      process.execPath,
      [join(import.meta.dirname, 'fixtures', 'interrupted-bench.ts'), scratch, join(store.dir, 'layout')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => {
      harness.once('exit', (code) => {
        resolve(code);
      });
    });
    let stderr = '';
    harness.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    await new Promise<void>((resolve, reject) => {
      harness.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        if (chunk.includes('started')) resolve();
      });
      void exited.then(() => {
        reject(new Error(`the harness exited before its container started: ${stderr}`));
      });
    });
    expect(runcBundlesUnder(scratch).length).toBe(1);
    expect(processesMentioning(scratch).length).toBeGreaterThan(0);
    harness.kill(signal);
    expect(await exited).toBe(signal === 'SIGINT' ? 130 : 143);
    expect(runcBundlesUnder(scratch)).toEqual([]);
    expect(processesMentioning(scratch)).toEqual([]);
    expect(readdirSync(scratch)).toEqual([]);
  },
  120_000,
);
