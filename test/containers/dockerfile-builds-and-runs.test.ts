// The Dockerfile `thaw slim` writes, built for real with buildah (daemonless) and run with podman
// under a read-only root filesystem. Its FROM images cannot be pulled here, so local stand-ins
// carry the same names in a private store: the build stage a static busybox shell, the runtime
// stage this machine's Node binary where distroless keeps it (/nodejs/bin/node).
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Podman,
  importRootfs,
  requirePodman,
  writeBusyboxRootfs,
  writeNodeRootfs,
} from '../../packages/bench/src/index.ts';
import { localImagePath } from '../../packages/bench/src/containers/local-image.ts';
import { freePort } from '../../packages/bench/src/free-port.ts';
import { releasePort } from '../../packages/bench/src/port-reservation.ts';
import { supportsPortableCompileCache } from '../../packages/slim/src/compile-cache.ts';
import { slim } from '../../packages/slim/src/index.ts';
import { repoRoot } from '../support/packed.ts';

const execFileAsync = promisify(execFile);
const nodeVersion = process.versions.node;
const major = nodeVersion.split('.')[0] ?? '';
const image = 'localhost/thaw-hello:dockerfile-test';

let dir = '';
let podman: Podman;
let deployDir = '';
let buildLog = '';

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
  requirePodman(['buildah', 'busybox']);
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  dir = mkdtempSync(join(tmpdir(), 'thaw-dockerfile-'));
  podman = new Podman({ root: join(dir, 'storage'), runRoot: join(dir, 'run') });
  deployDir = join(dir, 'deploy');
  const quiet = { info: () => undefined, warn: () => undefined };
  await slim({
    projectDir: join(repoRoot, 'examples', 'hello'),
    outDir: deployDir,
    compileCache: true,
    logger: quiet,
  });

  writeBusyboxRootfs(join(dir, 'build-rootfs'));
  await importRootfs(podman, join(dir, 'build-rootfs'), `docker.io/library/node:${nodeVersion}-slim`, {
    cmd: ['/bin/sh'],
    env: { PATH: localImagePath },
  });
  writeNodeRootfs(join(dir, 'node-rootfs'), process.execPath, '/nodejs/bin/node');
  await importRootfs(podman, join(dir, 'node-rootfs'), `gcr.io/distroless/nodejs${major}-debian12`, {
    entrypoint: ['/nodejs/bin/node'],
    env: { PATH: localImagePath },
  });
  const { stdout, stderr } = await execFileAsync(
    'buildah',
    [
      '--root',
      podman.store.root!,
      '--runroot',
      podman.store.runRoot!,
      'bud',
      '--runtime',
      'runc',
      '--isolation',
      'chroot',
      '--pull=never',
      '--tag',
      image,
      deployDir,
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  buildLog = stdout + stderr;
}, 180_000);

afterAll(async () => {
  if (dir !== '') await podman.resetStore().catch(() => undefined);
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe("the deploy folder's Dockerfile, built with buildah and run with podman", () => {
  it('serves /readyz 200 as a non-root user in a restricted pod (read-only root, no capabilities, no privilege escalation, tmpfs /tmp), uses the compile cache, and exits 0 on SIGTERM', async () => {
    expect(buildLog).not.toMatch(/error/iu);
    const port = await freePort();
    const container = await podman.run({
      image,
      env: { PORT: String(port), NODE_DEBUG_NATIVE: 'COMPILE_CACHE' },
      cpus: 1,
      memoryBytes: 256 * 2 ** 20,
      // As the generated manifest's securityContext and its /tmp emptyDir ask.
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
      // /tmp is writable for the function, the root filesystem is not.
      const writes = await podman.exec([
        'exec',
        container.id,
        '/nodejs/bin/node',
        '-e',
        "const fs = require('node:fs'); const can = (p) => { try { fs.writeFileSync(p, 'x'); return true; } catch { return false; } }; console.log(JSON.stringify({ tmp: can('/tmp/probe'), root: can('/app/probe') }));",
      ]);
      expect(JSON.parse(writes.trim().split('\n').pop() ?? '{}')).toEqual({ tmp: true, root: false });

      await container.kill('SIGTERM');
      expect(await container.wait()).toBe(0);
      const { stderr } = await container.logs();
      expect(stderr).not.toContain('Cannot create cache directory');
      const accepted = [...stderr.matchAll(/V8 code cache for \S+ (\S+) was accepted/gu)].map((m) => m[1]);
      if (supportsPortableCompileCache(nodeVersion)) {
        expect(accepted).toContain('file:///app/index.js');
        expect(accepted.some((url) => url?.startsWith('file:///app/chunks/'))).toBe(true);
        expect(stderr).not.toMatch(/V8 code cache for \S+ file:\/\/\/app\/\S+ was rejected/u);
      } else {
        // A Node line without a portable compile cache ships none: nothing is looked up.
        expect(readFileSync(join(deployDir, 'Dockerfile'), 'utf8')).not.toMatch(/compile-cache/u);
        expect(accepted).toEqual([]);
      }
    } finally {
      await container.remove();
      releasePort(port);
    }
  });
});
