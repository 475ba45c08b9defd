import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage } from '../../src/image/build-image.ts';
import { makeTinyBase, skopeoCopy, writeDeployFolder } from './support/fixtures.ts';
import { startRegistry, type TestRegistry } from './support/registry.ts';
import { requireTools, run } from './support/tools.ts';

describe('moving blobs into the target registry', () => {
  let dir: string;
  let source: TestRegistry;
  let target: TestRegistry;

  beforeAll(async () => {
    requireTools(['docker-registry', 'skopeo', 'umoci']);
    dir = mkdtempSync(join(tmpdir(), 'thaw-image-blobs-'));
    [source, target] = await Promise.all([startRegistry(), startRegistry()]);
    await makeTinyBase(join(dir, 'base'));
    await skopeoCopy(`oci:${join(dir, 'base')}:tiny`, `docker://${source.host}/base/tiny:1`);
  });

  afterAll(async () => {
    await Promise.all([source.stop(), target.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies base layers from another registry and uploads big blobs in chunks that arrive intact', async () => {
    const deployDir = join(dir, 'deploy');
    writeDeployFolder(deployDir, { manifest: false });
    // Random bytes do not compress, so the app layer stays bigger than several chunks.
    writeFileSync(join(deployDir, 'payload.bin'), randomBytes(40_000));
    const tag = `${target.host}/functions/big:1`;
    const methods: string[] = [];
    const recordingFetch: typeof fetch = (input, init) => {
      methods.push(init?.method ?? 'GET');
      return fetch(input, init);
    };
    const result = await buildImage({
      deployDir,
      base: `${source.host}/base/tiny:1`,
      tag,
      uploadChunkBytes: 8192,
      fetch: recordingFetch,
    });
    expect(methods.filter((m) => m === 'PATCH').length).toBeGreaterThanOrEqual(5);
    const baseLayer = result.size.layers[0]!;
    expect(result.push?.blobs.find((b) => b.digest === baseLayer.digest)?.action).toBe('uploaded');
    expect(result.size.layers.at(-1)!.compressedBytes).toBeGreaterThan(4 * 8192);
    // skopeo checks every blob's digest while copying, so a corrupt chunk fails here.
    await skopeoCopy(`docker://${tag}`, `oci:${join(dir, 'copy')}:big`);
    await run('umoci', ['unpack', '--image', `${join(dir, 'copy')}:big`, join(dir, 'bundle')]);
    expect(
      (
        await run('cmp', [
          join(deployDir, 'payload.bin'),
          join(dir, 'bundle', 'rootfs', 'app', 'payload.bin'),
        ])
      ).trim(),
    ).toBe('');
  });
});
