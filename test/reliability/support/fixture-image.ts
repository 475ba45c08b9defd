// A container image of fixture functions, made without pulling anything: this machine's Node
// binary as a distroless base has it (the bench package's writeNodeRootfs), the built
// @thaw/runtime package under /app/node_modules, and each fixture as /app/<name>.ts, run with
// Node's type stripping (`args: fixtureArgs('name')`). Imported into a private podman store by
// the bench package's wrapper.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Podman, importRootfs, writeNodeRootfs } from '../../../packages/bench/src/index.ts';
import { localImagePath } from '../../../packages/bench/src/containers/local-image.ts';
import { repoRoot } from '../../support/packed.ts';

/** A private podman store and the image of the fixtures in it. */
export interface FixtureImage {
  readonly podman: Podman;
  readonly image: string;
  /** Removes every container and image of the store, and the store itself. */
  dispose(): Promise<void>;
}

/** The container arguments that run fixture `name` (its file name without `.ts`). */
export function fixtureArgs(name: string): string[] {
  return [`/app/${name}.ts`];
}

/**
 * Builds `localhost/<first fixture's name>:test` holding `fixtureFiles` and the built runtime;
 * a container runs the fixture its arguments name ({@link fixtureArgs}), the first by default.
 *
 * @example
 * ```ts
 * const { podman, image } = await fixtureImage([join(import.meta.dirname, 'fixtures', 'memory-hungry.ts')]);
 * ```
 */
export async function fixtureImage(
  fixtureFiles: readonly string[],
  options: { readonly packages?: readonly string[] } = {},
): Promise<FixtureImage> {
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
  for (const name of options.packages ?? [])
    copyPackage(name, join(rootfs, 'app', 'node_modules'), new Set());
  const names = fixtureFiles.map((file) => basename(file, '.ts'));
  for (const [index, file] of fixtureFiles.entries()) cpSync(file, join(rootfs, 'app', `${names[index]}.ts`));
  const image = `localhost/${names[0] ?? 'fixture'}:test`;
  await importRootfs(podman, rootfs, image, {
    entrypoint: ['/nodejs/bin/node', '--no-warnings'],
    cmd: fixtureArgs(names[0] ?? 'fixture'),
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

// A package of the repository's node_modules and, recursively, its dependencies, as npm would
// install them flat (the fixtures' peers: `pg` and its closure).
function copyPackage(name: string, into: string, done: Set<string>): void {
  if (done.has(name)) return;
  done.add(name);
  const from = join(repoRoot, 'node_modules', name);
  cpSync(from, join(into, name), { recursive: true, dereference: true });
  const manifest = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  for (const dependency of Object.keys(manifest.dependencies ?? {})) copyPackage(dependency, into, done);
}
