import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuildImageResult, buildImage } from '../../src/image/build-image.ts';
import { fillCompileCache, makeNodeBase, skopeoCopy, writeDeployFolder } from './support/fixtures.ts';
import { freePort, startRegistry, type TestRegistry } from './support/registry.ts';
import { bundleProcess, runBundle, type RunningBundle, waitFor200 } from './support/run-unpacked.ts';
import { requireTools, run } from './support/tools.ts';

describe('an image pushed by thaw image', () => {
  let dir: string;
  let registry: TestRegistry;
  let result: BuildImageResult;
  let tag: string;

  beforeAll(async () => {
    requireTools(['docker-registry', 'skopeo', 'umoci', 'unshare']);
    dir = mkdtempSync(join(tmpdir(), 'thaw-image-run-'));
    registry = await startRegistry();
    await makeNodeBase(join(dir, 'base'), 'node');
    await skopeoCopy(`oci:${join(dir, 'base')}:node`, `docker://${registry.host}/base/node:1`);
    writeDeployFolder(join(dir, 'deploy'));
    await fillCompileCache(join(dir, 'deploy'));
    tag = `${registry.host}/functions/hello:1`;
    result = await buildImage({ deployDir: join(dir, 'deploy'), base: `${registry.host}/base/node:1`, tag });
  });

  afterAll(async () => {
    await registry.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is what skopeo inspect reads back from the registry: digest, layers and config', async () => {
    const inspected = JSON.parse(
      await run('skopeo', ['inspect', '--tls-verify=false', `docker://${tag}`]),
    ) as {
      Digest: string;
      Layers: string[];
    };
    expect(inspected.Digest).toBe(result.manifestDigest);
    expect(result.pinnedReference).toBe(`${registry.host}/functions/hello@${result.manifestDigest}`);
    expect(inspected.Layers).toEqual(result.size.layers.map((l) => l.digest));
    expect(inspected.Layers).toHaveLength(3);
    const config = JSON.parse(
      await run('skopeo', ['inspect', '--config', '--tls-verify=false', `docker://${tag}`]),
    ) as {
      config: { User: string; WorkingDir: string; Env: string[]; Entrypoint: string[]; Cmd: string[] };
      rootfs: { diff_ids: string[] };
      history: { created_by?: string }[];
    };
    expect(config.config).toMatchObject({
      User: '65532:65532',
      WorkingDir: '/app',
      Entrypoint: ['/usr/local/bin/node'],
      Cmd: ['/app/index.js'],
    });
    expect(config.config.Env).toEqual(
      expect.arrayContaining([
        'NODE_ENV=production',
        'NODE_COMPILE_CACHE=/app/compile-cache',
        'NODE_COMPILE_CACHE_PORTABLE=1',
      ]),
    );
    expect(config.rootfs.diff_ids.slice(1)).toEqual(result.layers.map((l) => l.diffId));
    expect(config.history.at(-1)?.created_by).toMatch(/^thaw image: app layer/u);
    expect(result.push?.blobs.filter((b) => b.action === 'mounted')).toHaveLength(1);
  });

  /** The pushed image, pulled by skopeo and unpacked by umoci into a runtime bundle (once). */
  let unpacked: Promise<string> | undefined;
  const unpack = (): Promise<string> =>
    (unpacked ??= (async () => {
      const layout = join(dir, 'pulled');
      await skopeoCopy(`docker://${tag}`, `oci:${layout}:hello`);
      const bundle = join(dir, 'bundle');
      await run('umoci', ['unpack', '--image', `${layout}:hello`, bundle]);
      return bundle;
    })());

  async function startFunction(
    bundle: string,
    env: Record<string, string> = {},
  ): Promise<{ port: number; fn: RunningBundle }> {
    const port = await freePort();
    const fn = runBundle(bundle, port, env);
    await waitFor200(`http://127.0.0.1:${port}/readyz`, fn.child, 20_000).catch(async (error: unknown) => {
      await fn.stop();
      throw new Error(`${String(error)}\n${fn.output()}`);
    });
    return { port, fn };
  }

  it('runs from the rootfs umoci unpacks, as user 65532, and answers /readyz with 200', async () => {
    const bundle = await unpack();
    expect(bundleProcess(bundle)).toMatchObject({
      user: { uid: 65532, gid: 65532 },
      cwd: '/app',
      args: ['/usr/local/bin/node', '/app/index.js'],
    });
    const { port, fn } = await startFunction(bundle);
    try {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`, { headers: { connection: 'close' } });
      expect(ready.status).toBe(200);
      expect(await ready.text()).toBe('ready as 65532 in /app production');
      const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'close' } });
      expect(await res.text()).toBe('HELLO!');
    } finally {
      await fn.stop();
    }
  });

  it('has Node accept the compile cache filled at build time by another user', async () => {
    const { fn } = await startFunction(await unpack(), { NODE_DEBUG_NATIVE: 'COMPILE_CACHE' });
    await fn.stop();
    expect(fn.output()).toContain('V8 code cache for CommonJS /app/index.js was accepted');
    expect(fn.output()).toContain(
      'V8 code cache for CommonJS /app/node_modules/tiny-shout/index.js was accepted',
    );
  });
});
