import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import imageExecutor from '../../src/executors/image/executor.ts';
import { makeTinyBase, writeDeployFolder } from './support/fixtures.ts';
import { requireTools, run } from './support/tools.ts';

describe('the Nx image executor', () => {
  let root: string;

  beforeAll(async () => {
    requireTools(['skopeo', 'umoci']);
    root = mkdtempSync(join(tmpdir(), 'thaw-image-executor-'));
    await makeTinyBase(join(root, 'base'));
    writeDeployFolder(join(root, 'apps', 'hello', 'deploy'));
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('builds the image with paths relative to the workspace root and reports success', async () => {
    const printed: string[] = [];
    const original = console.log;
    console.log = (line: string) => printed.push(line);
    let result: { success: boolean };
    try {
      result = await imageExecutor(
        {
          deployDir: 'apps/hello/deploy',
          base: `oci:${join(root, 'base')}:tiny`,
          tag: 'example.test/hello:1',
          output: 'oci-layout',
          ociLayoutDir: 'dist/hello-image',
        },
        { root },
      );
    } finally {
      console.log = original;
    }
    expect(result).toEqual({ success: true });
    const inspected = JSON.parse(
      await run('skopeo', ['inspect', `oci:${join(root, 'dist', 'hello-image')}:1`]),
    ) as { Digest: string };
    expect(printed.at(-1)).toBe(inspected.Digest);
  });
});
