// The image `thaw image` builds (an OCI layout, no Docker) run for real with podman under a
// restricted pod's settings: read-only root filesystem, no capabilities, no privilege
// escalation, a tmpfs /tmp. Its base cannot be pulled here, so a local stand-in carries this
// machine's Node binary where distroless keeps it (/nodejs/bin/node). The Dockerfile path is
// checked the same way in dockerfile-builds-and-runs.test.ts.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveContainers } from '../../packages/bench/src/containers/container-registry.ts';
import {
  importRootfs,
  localImagePath,
  writeNodeRootfs,
} from '../../packages/bench/src/containers/local-image.ts';
import { Podman, requirePodman } from '../../packages/bench/src/containers/podman.ts';
import { freePort } from '../../packages/bench/src/free-port.ts';
import { releasePort } from '../../packages/bench/src/port-reservation.ts';
import { supportsPortableCompileCache } from '../../packages/slim/src/compile-cache.ts';
import { buildImage, slim } from '../../packages/slim/src/index.ts';
import { repoRoot } from '../support/packed.ts';

const nodeVersion = process.versions.node;
let dir = '';
let podman: Podman;
const image = 'localhost/thaw-hello:oci-test';

async function waitForStatus(url: string, status: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000), headers: { connection: 'close' } });
      await res.arrayBuffer();
      if (res.status === status) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms (last: ${last})`);
}

beforeAll(async () => {
  requirePodman();
  // podman names an image pulled from `oci:<dir>` after the folder, which must be lower case.
  dir = join(tmpdir(), `thaw-oci-image-${process.pid}-${Date.now()}`);
  mkdirSync(dir);
  podman = new Podman({ root: join(dir, 'storage'), runRoot: mkdtempSync(join(tmpdir(), 'thaw-run-')) });
  const deployDir = join(dir, 'deploy');
  await slim({
    projectDir: join(repoRoot, 'examples', 'hello'),
    outDir: deployDir,
    compileCache: true,
    logger: { info: () => undefined, warn: () => undefined },
  });
  writeNodeRootfs(join(dir, 'node-rootfs'), process.execPath, '/nodejs/bin/node');
  await importRootfs(podman, join(dir, 'node-rootfs'), 'localhost/node-base:test', {
    entrypoint: ['/nodejs/bin/node'],
    env: { PATH: localImagePath },
  });
  await podman.exec(['push', '--quiet', 'localhost/node-base:test', `oci:${join(dir, 'base')}:node`]);
  await buildImage({
    deployDir,
    base: `oci:${join(dir, 'base')}:node`,
    tag: image,
    output: 'oci-layout',
    ociLayoutDir: join(dir, 'layout'),
    pinManifest: false,
    log: () => undefined,
  });
  const index = JSON.parse(readFileSync(join(dir, 'layout', 'index.json'), 'utf8')) as {
    manifests: { annotations?: Record<string, string> }[];
  };
  const name = index.manifests[0]?.annotations?.['org.opencontainers.image.ref.name'];
  await podman.exec(['pull', '--quiet', `oci:${join(dir, 'layout')}${name === undefined ? '' : `:${name}`}`]);
  const ids = (await podman.exec(['images', '--quiet', '--no-trunc'])).trim().split('\n');
  // The pulled image is the one that is not the base.
  const baseId = (
    await podman.exec(['image', 'inspect', '--format', '{{.Id}}', 'localhost/node-base:test'])
  ).trim();
  const built = ids.map((id) => id.replace(/^sha256:/u, '')).find((id) => id !== baseId);
  await podman.exec(['tag', built!, image]);
}, 180_000);

afterAll(async () => {
  if (dir !== '') {
    const runRoot = podman.store.runRoot;
    await podman.resetStore().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    if (runRoot !== undefined) rmSync(runRoot, { recursive: true, force: true });
  }
});

describe('the OCI image thaw image builds, run with podman', () => {
  it('serves /readyz 200 as uid 65532 with a read-only root, no capabilities and a tmpfs /tmp, uses its compile cache, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const container = await podman.run({
      image,
      env: { PORT: String(port), NODE_DEBUG_NATIVE: 'COMPILE_CACHE' },
      cpus: 1,
      memoryBytes: 256 * 2 ** 20,
      readOnly: true,
      restricted: true,
      tmpfs: ['/tmp'],
    });
    try {
      await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, 15_000);
      const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'close' } });
      expect(await res.text()).toBe('Hello World!\n');
      const state = await container.inspect();
      const status = readFileSync(`/proc/${state.pid}/status`, 'utf8');
      expect(/^Uid:\s+(\d+)/mu.exec(status)?.[1]).toBe('65532');
      expect(/^CapBnd:\s+(\S+)/mu.exec(status)?.[1]).toBe('0000000000000000');
      expect(/^NoNewPrivs:\s+(\d)/mu.exec(status)?.[1]).toBe('1');
      const writes = await podman.exec([
        'exec',
        container.id,
        '/nodejs/bin/node',
        '-e',
        "const fs = require('node:fs'); const can = (p) => { try { fs.writeFileSync(p, 'x'); return true; } catch { return false; } }; console.log(JSON.stringify({ tmp: can('/tmp/probe'), app: can('/app/probe'), root: can('/probe') }));",
      ]);
      expect(JSON.parse(writes.trim().split('\n').pop() ?? '{}')).toEqual({
        tmp: true,
        app: false,
        root: false,
      });

      await container.kill('SIGTERM');
      expect(await container.wait()).toBe(0);
      const { stderr } = await container.logs();
      expect(stderr).not.toContain('Cannot create cache directory');
      const accepted = [...stderr.matchAll(/V8 code cache for \S+ (\S+) was accepted/gu)].map((m) => m[1]);
      if (supportsPortableCompileCache(nodeVersion)) {
        expect(accepted).toContain('file:///app/index.js');
        expect(stderr).not.toMatch(/V8 code cache for \S+ file:\/\/\/app\/\S+ was rejected/u);
      } else {
        expect(accepted).toEqual([]);
      }
    } finally {
      await container.remove();
      releasePort(port);
    }
    // Every container the test started is gone from the store.
    expect(await podman.containersLabelled('thaw.bench=1')).toEqual([]);
    expect(liveContainers()).toEqual([]);
  });
});
