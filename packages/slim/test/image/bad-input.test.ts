import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage } from '../../src/image/build-image.ts';
import { sha256Digest } from '../../src/image/oci-types.ts';
import { layoutDigest, makeTinyBase, skopeoCopy, writeDeployFolder } from './support/fixtures.ts';
import { freePort, startRegistry, type TestRegistry } from './support/registry.ts';
import { requireTools } from './support/tools.ts';

describe('thaw image with bad input', () => {
  let dir: string;
  let registry: TestRegistry;
  let deployDir: string;

  beforeAll(async () => {
    requireTools(['docker-registry', 'skopeo', 'umoci']);
    dir = mkdtempSync(join(tmpdir(), 'thaw-image-bad-'));
    registry = await startRegistry();
    const layout = join(dir, 'base');
    await makeTinyBase(layout);
    await skopeoCopy(`oci:${layout}:tiny`, `docker://${registry.host}/base/tiny:1`);
    // A multi-arch index that offers only linux/amd64, pushed with all its images.
    const manifestDigest = layoutDigest(layout, 'tiny');
    const manifestSize = readFileSync(join(layout, 'blobs', 'sha256', manifestDigest.slice(7))).byteLength;
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: manifestDigest,
            size: manifestSize,
            platform: { os: 'linux', architecture: 'amd64' },
          },
        ],
      }),
    );
    const indexDigest = sha256Digest(index);
    writeFileSync(join(layout, 'blobs', 'sha256', indexDigest.slice(7)), index);
    const layoutIndex = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as {
      manifests: object[];
    };
    layoutIndex.manifests.push({
      mediaType: 'application/vnd.oci.image.index.v1+json',
      digest: indexDigest,
      size: index.byteLength,
      annotations: { 'org.opencontainers.image.ref.name': 'multi' },
    });
    writeFileSync(join(layout, 'index.json'), JSON.stringify(layoutIndex));
    await skopeoCopy(`oci:${layout}:multi`, `docker://${registry.host}/base/multi:1`, ['--all']);
    deployDir = join(dir, 'deploy');
    writeDeployFolder(deployDir);
  });

  afterAll(async () => {
    await registry.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the unreachable registry and says to check it', async () => {
    const host = `127.0.0.1:${await freePort()}`;
    const attempt = buildImage({
      deployDir,
      base: `${host}/base/tiny:1`,
      tag: `${registry.host}/functions/x:1`,
      requestTimeoutMs: 5000,
    });
    await expect(attempt).rejects.toMatchObject({
      code: 'THAW_IMAGE_REGISTRY_UNREACHABLE',
      reference: `${host}/base/tiny:1`,
    });
    await expect(attempt).rejects.toThrow(
      new RegExp(
        `Could not reach registry ${host} for ${host}/base/tiny:1 .*ECONNREFUSED.*Check that the registry runs.*--base oci:<dir>`,
        'su',
      ),
    );
  });

  it('for a base on a registry it cannot reach, suggests --insecure-registry and --base oci:', async () => {
    // The default base (gcr.io) with no network fails this way; .invalid never resolves.
    const base = 'registry.invalid/distroless/nodejs24-debian12:nonroot';
    const attempt = buildImage({
      deployDir,
      base,
      tag: `${registry.host}/functions/x:1`,
      requestTimeoutMs: 5000,
    });
    await expect(attempt).rejects.toMatchObject({ code: 'THAW_IMAGE_REGISTRY_UNREACHABLE', reference: base });
    await expect(attempt).rejects.toThrow(
      /Could not reach registry registry\.invalid .*list it with --insecure-registry\. .*pass --base oci:<dir>\[:tag\]/su,
    );
  });

  it('names a base that does not exist and says to pass an existing one', async () => {
    const base = `${registry.host}/base/tiny:no-such-tag`;
    const attempt = buildImage({ deployDir, base, tag: `${registry.host}/functions/x:1` });
    await expect(attempt).rejects.toMatchObject({ code: 'THAW_IMAGE_NOT_FOUND', reference: base });
    await expect(attempt).rejects.toThrow(
      /answered 404: MANIFEST_UNKNOWN.*pass an existing one with --base/su,
    );
  });

  it('names the platforms a multi-arch base has when it lacks the requested one', async () => {
    const base = `${registry.host}/base/multi:1`;
    const ok = await buildImage({
      deployDir,
      base,
      output: 'oci-layout',
      ociLayoutDir: join(dir, 'out-multi'),
    });
    expect(ok.base.digest).toBe(layoutDigest(join(dir, 'base'), 'tiny'));
    const attempt = buildImage({
      deployDir,
      base,
      platform: 'linux/arm64',
      output: 'oci-layout',
      ociLayoutDir: join(dir, 'out'),
    });
    await expect(attempt).rejects.toMatchObject({ code: 'THAW_IMAGE_PLATFORM_MISSING', reference: base });
    await expect(attempt).rejects.toThrow(
      /has no linux\/arm64 image; it has: linux\/amd64\. Pass one of those with --platform/u,
    );
  });

  it('says which platform a single-platform base is built for when another is requested', async () => {
    const base = `${registry.host}/base/tiny:1`;
    const attempt = buildImage({
      deployDir,
      base,
      platform: 'linux/arm64/v8',
      output: 'oci-layout',
      ociLayoutDir: join(dir, 'out'),
    });
    await expect(attempt).rejects.toThrow(
      /is built for linux\/amd64, not linux\/arm64\/v8\. Pass --platform linux\/amd64/u,
    );
  });

  it('rejects a malformed option value naming the option and what is allowed', async () => {
    await expect(
      buildImage({ deployDir, tag: `${registry.host}/functions/x:1`, user: 'nonroot' }),
    ).rejects.toThrow('Option user is "nonroot"; expected a numeric uid:gid such as 65532:65532.');
    await expect(
      buildImage({
        deployDir,
        tag: `${registry.host}/functions/x:1`,
        env: { SOURCE_DATE_EPOCH: 'yesterday' },
      }),
    ).rejects.toThrow(/SOURCE_DATE_EPOCH is "yesterday"; expected whole seconds/u);
  });
});
