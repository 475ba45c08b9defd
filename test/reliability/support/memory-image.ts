// A container image of one fixture function, made without pulling anything: this machine's Node
// binary as a distroless base has it (the bench package's writeNodeRootfs), the built
// @thaw/runtime package under /app/node_modules, and the fixture as /app/<name>.ts, run with
// Node's type stripping. Imported into a private podman store by the bench package's wrapper.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Podman, importRootfs, localImagePath, writeNodeRootfs } from '../../../packages/bench/src/index.ts';
import { repoRoot } from '../../support/packed.ts';

/** A private podman store and the image of a fixture in it. */
export interface FixtureImage {
  readonly podman: Podman;
  readonly image: string;
  /** Removes every container and image of the store, and the store itself. */
  dispose(): Promise<void>;
}

/**
 * Builds `localhost/<name>:test` running `fixtureFile` with the built runtime.
 *
 * @example
 * ```ts
 * const { podman, image } = await fixtureImage(join(import.meta.dirname, 'fixtures', 'memory-hungry.ts'));
 * ```
 */
export async function fixtureImage(fixtureFile: string): Promise<FixtureImage> {
  const dir = mkdtempSync(join(tmpdir(), 'thaw-fixture-image-'));
  const podman = new Podman({ root: join(dir, 'storage'), runRoot: join(dir, 'run') });
  const rootfs = join(dir, 'rootfs');
  writeNodeRootfs(rootfs, process.execPath, '/nodejs/bin/node');
  const runtimeDir = join(rootfs, 'app', 'node_modules', '@thaw', 'runtime');
  mkdirSync(runtimeDir, { recursive: true });
  const built = join(repoRoot, 'packages', 'runtime');
  cpSync(join(built, 'package.json'), join(runtimeDir, 'package.json'));
  cpSync(join(built, 'dist'), join(runtimeDir, 'dist'), {
    recursive: true,
    filter: (source) => !source.endsWith('.map') && !source.endsWith('.d.ts'),
  });
  const name = basename(fixtureFile, '.ts');
  cpSync(fixtureFile, join(rootfs, 'app', `${name}.ts`));
  const image = `localhost/${name}:test`;
  await importRootfs(podman, rootfs, image, {
    entrypoint: ['/nodejs/bin/node', '--no-warnings', `/app/${name}.ts`],
    env: { PATH: localImagePath },
    workdir: '/app',
    user: '65532:65532',
  });
  rmSync(rootfs, { recursive: true, force: true });
  return {
    podman,
    image,
    async dispose() {
      await podman.exec(['rm', '--all', '--force', '--time', '0']).catch(() => '');
      await podman.exec(['system', 'reset', '--force']).catch(() => '');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
