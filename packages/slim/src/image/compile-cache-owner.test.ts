import { describe, expect, it } from 'vitest';
import { compileCachePathMapper } from './compile-cache-owner.ts';

describe('compileCachePathMapper', () => {
  it("moves a cache folder filled by another uid to the image user's uid and leaves other files alone", () => {
    const paths = ['compile-cache/v24.21.0-x64-964aae3f-0/36fb8ed8', 'index.js', 'node_modules/a/index.js'];
    const map = compileCachePathMapper('compile-cache', paths, 65532);
    expect(paths.map(map)).toEqual([
      'compile-cache/v24.21.0-x64-964aae3f-65532/36fb8ed8',
      'index.js',
      'node_modules/a/index.js',
    ]);
  });

  it("keeps a folder already named for the image user's uid and does not move another one onto it", () => {
    const paths = ['cc/v22.12.0-arm64-0a1b2c3d-65532/x', 'cc/v22.12.0-arm64-0a1b2c3d-1000/x'];
    expect(paths.map(compileCachePathMapper('cc', paths, 65532))).toEqual(paths);
    expect(compileCachePathMapper(null, paths, 65532)('cc/v22.12.0-arm64-0a1b2c3d-1000/x')).toBe(
      'cc/v22.12.0-arm64-0a1b2c3d-1000/x',
    );
  });
});
