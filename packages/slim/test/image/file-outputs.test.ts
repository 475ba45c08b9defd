import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage } from '../../src/image/build-image.ts';
import { makeTinyBase, writeDeployFolder } from './support/fixtures.ts';
import { requireTools, run } from './support/tools.ts';

interface Inspected {
  Digest: string;
  Layers: string[];
}

describe('thaw image without a registry: a local OCI layout base, layout and tar outputs', () => {
  let dir: string;
  let base: string;
  let deployDir: string;

  beforeAll(async () => {
    requireTools(['skopeo', 'umoci']);
    dir = mkdtempSync(join(tmpdir(), 'thaw-image-files-'));
    await makeTinyBase(join(dir, 'base'));
    base = `oci:${join(dir, 'base')}:tiny`;
    deployDir = join(dir, 'deploy');
    writeDeployFolder(deployDir, { manifest: false });
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes an OCI layout that skopeo inspects and umoci unpacks into the function files', async () => {
    const layout = join(dir, 'layout');
    const result = await buildImage({
      deployDir,
      base,
      tag: 'example.test/functions/hello:dev',
      output: 'oci-layout',
      ociLayoutDir: layout,
    });
    const inspected = JSON.parse(await run('skopeo', ['inspect', `oci:${layout}:dev`])) as Inspected;
    expect(inspected.Digest).toBe(result.manifestDigest);
    expect(inspected.Layers).toHaveLength(3);
    await run('umoci', ['unpack', '--image', `${layout}:dev`, join(dir, 'bundle')]);
    const rootfs = join(dir, 'bundle', 'rootfs');
    for (const file of [
      'etc/base-release',
      'app/index.js',
      'app/index.js.map',
      'app/package.json',
      'app/node_modules/tiny-shout/index.js',
    ]) {
      expect(existsSync(join(rootfs, file)), file).toBe(true);
    }
    // Without thaw-slim.json, the folder's package.json and node_modules make the dependencies layer.
    expect(result.layers.map((l) => [l.role, l.fileCount])).toEqual([
      ['dependencies', 3],
      ['app', 2],
    ]);
  });

  it('writes one tar file that skopeo reads both as an OCI archive and as a docker archive', async () => {
    const tarball = join(dir, 'image.tar');
    const result = await buildImage({
      deployDir,
      base,
      tag: 'example.test/functions/hello:dev',
      output: 'tarball',
      tarballFile: tarball,
    });
    const asOci = JSON.parse(await run('skopeo', ['inspect', `oci-archive:${tarball}`])) as Inspected;
    expect(asOci.Digest).toBe(result.manifestDigest);
    const asDocker = JSON.parse(await run('skopeo', ['inspect', `docker-archive:${tarball}`])) as Inspected;
    // A docker archive names layers by their uncompressed digests (the config's diff_ids).
    expect(asDocker.Layers.slice(1)).toEqual(result.layers.map((l) => l.diffId));
  });
});
