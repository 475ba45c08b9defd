import { chmodSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage } from '../../src/image/build-image.ts';
import { makeTinyBase, skopeoCopy, writeDeployFolder } from './support/fixtures.ts';
import { startRegistry, type TestRegistry } from './support/registry.ts';
import { requireTools, run } from './support/tools.ts';

describe('rebuilding an image', () => {
  let dir: string;
  let registry: TestRegistry;
  let base: string;

  beforeAll(async () => {
    requireTools(['docker-registry', 'skopeo', 'umoci']);
    dir = mkdtempSync(join(tmpdir(), 'thaw-image-rebuild-'));
    registry = await startRegistry();
    await makeTinyBase(join(dir, 'base'));
    base = `${registry.host}/base/tiny:1`;
    await skopeoCopy(`oci:${join(dir, 'base')}:tiny`, `docker://${base}`);
  });

  afterAll(async () => {
    await registry.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('with nothing changed gives the identical manifest digest and uploads nothing', async () => {
    // Two separate folders with the same content: file times and inode order must not matter.
    writeDeployFolder(join(dir, 'same-a'));
    writeDeployFolder(join(dir, 'same-b'));
    // Different file times and a group-writable mode (another umask) must not change a byte.
    for (const file of ['index.js', 'package.json', 'node_modules/tiny-shout/index.js']) {
      utimesSync(
        join(dir, 'same-b', file),
        new Date('2001-02-03T04:05:06Z'),
        new Date('2001-02-03T04:05:06Z'),
      );
      chmodSync(join(dir, 'same-b', file), 0o664);
    }
    const tag = `${registry.host}/functions/same:1`;
    const first = await buildImage({ deployDir: join(dir, 'same-a'), base, tag });
    const second = await buildImage({ deployDir: join(dir, 'same-b'), base, tag });
    expect(second.manifestDigest).toBe(first.manifestDigest);
    expect(second.layers.map((l) => l.digest)).toEqual(first.layers.map((l) => l.digest));
    expect(second.push?.uploadedBytes).toBe(0);
    expect(second.push?.blobs.every((b) => b.action === 'existing')).toBe(true);
    const inspected = JSON.parse(
      await run('skopeo', ['inspect', '--tls-verify=false', `docker://${tag}`]),
    ) as { Digest: string };
    expect(inspected.Digest).toBe(first.manifestDigest);
  });

  it('with one source line changed changes only the top layer and uploads only it and the config', async () => {
    writeDeployFolder(join(dir, 'v1'), { greeting: 'hello' });
    writeDeployFolder(join(dir, 'v2'), { greeting: 'hello, again' });
    const tag = `${registry.host}/functions/changed:1`;
    const v1 = await buildImage({ deployDir: join(dir, 'v1'), base, tag });
    const v2 = await buildImage({ deployDir: join(dir, 'v2'), base, tag });
    const before = v1.size.layers.map((l) => l.digest);
    const after = v2.size.layers.map((l) => l.digest);
    expect(after.slice(0, -1)).toEqual(before.slice(0, -1));
    expect(after.at(-1)).not.toBe(before.at(-1));
    expect(v2.manifestDigest).not.toBe(v1.manifestDigest);
    const uploaded = v2.push?.blobs.filter((b) => b.action === 'uploaded').map((b) => b.digest);
    expect(uploaded).toEqual([after.at(-1), v2.configDigest]);
  });

  it('with SOURCE_DATE_EPOCH set stamps files and the image with it, and still reproduces', async () => {
    writeDeployFolder(join(dir, 'epoch'));
    const options = {
      deployDir: join(dir, 'epoch'),
      base,
      output: 'oci-layout',
      env: { SOURCE_DATE_EPOCH: '1700000000' },
    } as const;
    const a = await buildImage({ ...options, ociLayoutDir: join(dir, 'epoch-a') });
    const b = await buildImage({ ...options, ociLayoutDir: join(dir, 'epoch-b') });
    expect(b.manifestDigest).toBe(a.manifestDigest);
    const config = JSON.parse(
      await run('skopeo', ['inspect', '--config', `oci:${join(dir, 'epoch-a')}:latest`]),
    ) as { created: string };
    expect(config.created).toBe('2023-11-14T22:13:20Z');
    const listing = await run(
      'tar',
      ['-tvzf', join(dir, 'epoch-a', 'blobs', 'sha256', a.layers[1]!.digest.slice(7)), '--numeric-owner'],
      { ...process.env, TZ: 'UTC' },
    );
    // Root-owned files: the function (65532) reads them but cannot rewrite them.
    expect(listing).toContain('0/0');
    expect(listing).not.toContain('65532/65532');
    expect(listing).toContain('2023-11-14');
  });
});
