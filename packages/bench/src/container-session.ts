// What a benchmark with container variants sets up once and tears down however it ends: a
// private podman store for its runs, its own registry to pull from, and the images staged and
// their pulls measured before the first run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type VariantSpec } from './config.ts';
import { type StagedImage, stageImages } from './containers/image-pull.ts';
import { removeLiveContainersSync } from './containers/container-registry.ts';
import { type LocalRegistry, startLocalRegistry } from './containers/local-registry.ts';
import { Podman, killPodmanCallsSync, requirePodman } from './containers/podman.ts';

/** A benchmark's container setup. */
export interface ContainerSession {
  readonly store: Podman;
  readonly images: readonly StagedImage[];
  /** The reference a variant's image runs under in `store`. */
  readonly referenceOf: (variant: string) => string;
  readonly close: () => Promise<void>;
}

/**
 * Checks the tools (one line naming the Debian packages when one is missing), makes the store
 * and registry, stages the container variants' images and measures `pullRuns` cold and warm
 * pulls of each.
 *
 * @example
 * ```ts
 * const session = await openContainerSession(plan.variants, 1);
 * try { … session.referenceOf('thaw') … } finally { await session.close(); }
 * ```
 */
export async function openContainerSession(
  variants: readonly VariantSpec[],
  pullRuns: number,
  scratchDir = tmpdir(),
): Promise<ContainerSession> {
  requirePodman(['skopeo', 'docker-registry']);
  const folders = sessionFolders(scratchDir);
  const store = new Podman({ root: join(folders.dir, 'storage'), runRoot: folders.runRoot });
  const onExit = (): void => {
    teardownSync(store, folders.remove);
  };
  process.on('exit', onExit);
  let registry: LocalRegistry | undefined;
  const close = async (): Promise<void> => {
    await registry?.stop();
    await store.resetStore().catch(() => undefined);
    folders.remove();
    process.off('exit', onExit);
  };
  try {
    registry = await startLocalRegistry(join(folders.dir, 'registry'));
    const images = await stageImages(
      variants.flatMap((v) =>
        v.container === undefined ? [] : [{ variant: v.name, source: v.container.source }],
      ),
      { registry, runStore: store, scratchDir: folders.dir, pullRuns },
    );
    return { store, images, referenceOf: referenceLookup(images), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The session's scratch folder and podman's run root, and how to remove both. */
function sessionFolders(scratchDir: string): { dir: string; runRoot: string; remove: () => void } {
  const dir = mkdtempSync(join(scratchDir, 'thaw-bench-containers-'));
  // podman refuses a runroot longer than 50 characters: it gets a short folder of its own.
  const runRoot = mkdtempSync(join(tmpdir(), 'thaw-run-'));
  return {
    dir,
    runRoot,
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
      rmSync(runRoot, { recursive: true, force: true });
    },
  };
}

// Interrupted (SIGINT, SIGTERM, process.exit): no time for async work. The live containers go
// first, then the store is emptied synchronously (its overlay mount would keep the folder busy).
function teardownSync(store: Podman, removeFolders: () => void): void {
  killPodmanCallsSync();
  removeLiveContainersSync();
  spawnSync('podman', [...store.globalArgs(), 'system', 'reset', '--force'], {
    stdio: 'ignore',
    env: store.env(),
    timeout: 60_000,
  });
  try {
    removeFolders();
  } catch {
    // Whatever is left is in the temporary folder; an exit handler must not throw.
  }
}

function referenceLookup(images: readonly StagedImage[]): (variant: string) => string {
  const byVariant = new Map(images.flatMap((image) => image.variants.map((v) => [v, image.reference])));
  return (variant) => {
    const reference = byVariant.get(variant);
    if (reference === undefined) throw new TypeError(`No image was staged for variant "${variant}".`);
    return reference;
  };
}
