import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dockerignore } from './dockerfile.ts';
import {
  layerOf,
  manifestFileName,
  parseManifest,
  readManifest,
  sideFiles,
  writeManifest,
  type SlimManifest,
} from './deploy-manifest.ts';

const dir = mkdtempSync(join(tmpdir(), 'thaw-manifest-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const manifest: SlimManifest = {
  version: 1,
  entry: 'index.js',
  node: { major: 24, version: '24.12.0' },
  compileCache: null,
  files: [
    { path: 'index.js', size: 3, reason: 'bundle: entry', layer: 'app' },
    { path: 'package.json', size: 2, reason: 'deploy', layer: 'dependencies' },
  ],
};

describe('thaw-slim.json', () => {
  it('reads back what the writer wrote, with the Node major', async () => {
    writeManifest(dir, manifest);
    expect(JSON.parse(readFileSync(join(dir, manifestFileName), 'utf8'))).toEqual(manifest);
    expect(await readManifest(dir)).toEqual({
      entry: 'index.js',
      nodeMajor: 24,
      compileCache: null,
      files: [
        { path: 'index.js', layer: 'app' },
        { path: 'package.json', layer: 'dependencies' },
      ],
    });
  });

  it('puts the tracing layer folder in the tracing layer and reads a manifest that lists it', () => {
    expect(layerOf('thaw-tracing-0123456789ab/sdk-node.mjs')).toBe('tracing');
    expect(layerOf('node_modules/pg/index.js')).toBe('dependencies');
    expect(layerOf('chunks/install.js')).toBe('app');
    const text = JSON.stringify({
      ...manifest,
      files: [
        { path: 'thaw-tracing-0123456789ab/api.mjs', size: 1, reason: 'tracing layer', layer: 'tracing' },
      ],
    });
    expect(parseManifest(text).files).toEqual([
      { path: 'thaw-tracing-0123456789ab/api.mjs', layer: 'tracing' },
    ]);
  });

  it('is undefined for a folder without one', async () => {
    expect(await readManifest(join(dir, 'nowhere'))).toBeUndefined();
  });

  it('refuses another version, a bad file entry and a path outside the folder, with the code THAW_SLIM_MANIFEST_INVALID', () => {
    expect(() => parseManifest('{"version":2}')).toThrow(/has version 2; this thaw reads version 1/u);
    expect(() => parseManifest('{"version":1,"entry":"index.js","files":[{"path":"a"}]}')).toThrow(
      /each needs "path" and "layer"/u,
    );
    expect(() => parseManifest('{"version":1,"entry":"../x.js","files":[]}')).toThrow(
      expect.objectContaining({ code: 'THAW_SLIM_MANIFEST_INVALID' }) as Error,
    );
    expect(() => parseManifest('not json')).toThrow(/not valid JSON/u);
  });

  it('puts package.json and node_modules in the dependencies layer, the rest in the app layer', () => {
    expect(layerOf('package.json')).toBe('dependencies');
    expect(layerOf('node_modules/pg/index.js')).toBe('dependencies');
    expect(layerOf('chunks/a.js')).toBe('app');
  });

  it('keeps every side file out of the image build context except the compile-cache fill script it runs', () => {
    const ignored = dockerignore().split('\n');
    for (const name of sideFiles) {
      expect(ignored.includes(name), name).toBe(name !== 'thaw-compile-cache.cjs');
    }
    expect(ignored).toContain('knative');
  });
});
