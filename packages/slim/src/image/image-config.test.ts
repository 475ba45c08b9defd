import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { type BaseImage } from './base-image.ts';
import { assembleImage, type ImageSettings } from './image-config.ts';
import { type BuiltLayer } from './layer.ts';
import { mediaTypes } from './oci-types.ts';

const baseLayer = `sha256:${'1'.repeat(64)}`;
const base: BaseImage = {
  reference: 'registry.example.com/base:1',
  digest: `sha256:${'2'.repeat(64)}`,
  manifest: {
    schemaVersion: 2,
    config: { mediaType: mediaTypes.dockerConfig, digest: `sha256:${'3'.repeat(64)}`, size: 10 },
    layers: [{ mediaType: mediaTypes.dockerLayerGzip, digest: baseLayer, size: 1000 }],
  },
  config: {
    architecture: 'amd64',
    os: 'linux',
    config: { Env: ['PATH=/usr/bin', 'NODE_ENV=development'], Labels: { vendor: 'base' } },
    rootfs: { type: 'layers', diff_ids: [`sha256:${'4'.repeat(64)}`] },
    history: [{ created_by: 'base layer' }],
  },
  registry: undefined,
  readBlob: () => Promise.reject(new Error('not read by assembleImage')),
};

function layer(role: 'dependencies' | 'app', fill: string): BuiltLayer {
  return {
    role,
    mediaType: mediaTypes.ociLayerGzip,
    digest: `sha256:${fill.repeat(64)}`,
    diffId: `sha256:${fill.repeat(63)}0`,
    compressedBytes: 100,
    uncompressedBytes: 1024,
    fileCount: 2,
    blob: Buffer.alloc(0),
  };
}

const settings: ImageSettings = {
  workDir: '/app',
  user: '65532:65532',
  entry: 'index.js',
  compileCache: 'compile-cache',
  entrypoint: undefined,
  created: '2023-11-14T22:13:20Z',
  source: 'https://git.example/acme/checkout',
  revision: 'abc123',
};

describe('assembleImage', () => {
  const image = assembleImage(base, [layer('dependencies', 'a'), layer('app', 'b')], settings);

  it('runs the entry as the non-root user in the work dir, production env and compile cache set', () => {
    expect(image.config.config).toMatchObject({
      User: '65532:65532',
      WorkingDir: '/app',
      Entrypoint: ['node'],
      Cmd: ['/app/index.js'],
    });
    expect(image.config.config?.Env).toEqual([
      'PATH=/usr/bin',
      'NODE_ENV=production',
      'NODE_COMPILE_CACHE=/app/compile-cache',
      'NODE_COMPILE_CACHE_PORTABLE=1',
    ]);
  });

  it('stacks the function layers on the base in config and manifest, Docker media types turned OCI', () => {
    expect(image.config.rootfs.diff_ids).toEqual([
      `sha256:${'4'.repeat(64)}`,
      `sha256:${'a'.repeat(63)}0`,
      `sha256:${'b'.repeat(63)}0`,
    ]);
    expect(image.config.history?.map((h) => h.created_by)).toEqual([
      'base layer',
      'thaw image: dependencies layer (2 files)',
      'thaw image: app layer (2 files)',
    ]);
    expect(image.manifest.layers.map((l) => [l.mediaType, l.digest])).toEqual([
      [mediaTypes.ociLayerGzip, baseLayer],
      [mediaTypes.ociLayerGzip, `sha256:${'a'.repeat(64)}`],
      [mediaTypes.ociLayerGzip, `sha256:${'b'.repeat(64)}`],
    ]);
    expect(image.manifest.config).toEqual({
      mediaType: mediaTypes.ociConfig,
      digest: image.configDigest,
      size: image.configBytes.byteLength,
    });
  });

  it('annotates source, revision, creation time and base, and labels the config alike', () => {
    expect(image.manifest.annotations).toEqual({
      'org.opencontainers.image.created': '2023-11-14T22:13:20Z',
      'org.opencontainers.image.source': 'https://git.example/acme/checkout',
      'org.opencontainers.image.revision': 'abc123',
      'org.opencontainers.image.base.name': 'registry.example.com/base:1',
      'org.opencontainers.image.base.digest': base.digest,
    });
    expect(image.config.config?.Labels).toMatchObject({
      vendor: 'base',
      'org.opencontainers.image.revision': 'abc123',
    });
    expect(image.config.created).toBe('2023-11-14T22:13:20Z');
  });

  it('leaves NODE_COMPILE_CACHE out when no cache is shipped and keeps an entrypoint the base sets', () => {
    const withEntrypoint: BaseImage = {
      ...base,
      config: { ...base.config, config: { Entrypoint: ['/nodejs/bin/node'] } },
    };
    const plain = assembleImage(withEntrypoint, [layer('app', 'c')], { ...settings, compileCache: null });
    expect(plain.config.config?.Env).toEqual(['NODE_ENV=production']);
    expect(plain.config.config?.Entrypoint).toEqual(['/nodejs/bin/node']);
    expect(
      assembleImage(withEntrypoint, [layer('app', 'c')], { ...settings, compileCache: null }).manifestDigest,
    ).toBe(plain.manifestDigest);
  });
});
