import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeployFolder } from './deploy-folder.ts';

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

describe('readDeployFolder', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'thaw-deploy-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('without thaw-slim.json puts package.json and node_modules in dependencies and leaves out the build side files', async () => {
    const root = join(dir, 'plain');
    write(root, {
      'index.js': '',
      'index.js.map': '',
      'package.json': '{"main":"index.js"}',
      'node_modules/a/index.js': '',
      'compile-cache/x.bin': '',
      Dockerfile: '',
      '.dockerignore': '',
      'knative/service.yaml': '',
      'size-report.json': '{}',
      'thaw-compile-cache.cjs': '',
    });
    const folder = await readDeployFolder(root);
    expect(folder.files).toEqual([
      { path: 'compile-cache/x.bin', layer: 'app' },
      { path: 'index.js', layer: 'app' },
      { path: 'index.js.map', layer: 'app' },
      { path: 'node_modules/a/index.js', layer: 'dependencies' },
      { path: 'package.json', layer: 'dependencies' },
    ]);
    expect(folder).toMatchObject({ entry: 'index.js', compileCache: 'compile-cache', nodeMajor: undefined });
  });

  it('with thaw-slim.json takes its files, layers, entry, Node major and compile cache', async () => {
    const root = join(dir, 'slim');
    write(root, { 'main.js': '', 'package.json': '{}', 'extra.txt': '', 'cc/a': '' });
    const files = [
      { path: 'cc/a', size: 0, reason: 'compile cache', layer: 'app' },
      { path: 'main.js', size: 0, reason: 'bundle', layer: 'app' },
      { path: 'package.json', size: 2, reason: 'package', layer: 'dependencies' },
    ];
    write(root, {
      'thaw-slim.json': JSON.stringify({
        version: 1,
        entry: 'main.js',
        node: { major: 22 },
        compileCache: 'cc',
        files,
      }),
    });
    const folder = await readDeployFolder(root);
    expect(folder).toMatchObject({ entry: 'main.js', nodeMajor: 22, compileCache: 'cc' });
    expect(folder.files.map((f) => f.path)).toEqual(['cc/a', 'main.js', 'package.json']);
  });

  it('refuses listed files that are missing or outside the folder, saying to run thaw slim again', async () => {
    const root = join(dir, 'broken');
    write(root, {
      'thaw-slim.json': JSON.stringify({
        version: 1,
        entry: 'index.js',
        files: [{ path: 'index.js', layer: 'app' }],
      }),
    });
    await expect(readDeployFolder(root)).rejects.toThrow(
      /lists index\.js, which is missing; run thaw slim again/u,
    );
    write(root, {
      'thaw-slim.json': JSON.stringify({
        version: 1,
        entry: 'index.js',
        files: [{ path: '../etc/passwd', layer: 'app' }],
      }),
    });
    await expect(readDeployFolder(root)).rejects.toThrow(/outside the folder/u);
  });
});
