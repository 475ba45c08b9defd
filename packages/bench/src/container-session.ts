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
  const dir = mkdtempSync(join(scratchDir, 'thaw-bench-containers-'));
  // podman refuses a runroot longer than 50 characters: it gets a short folder of its own.
  const runRoot = mkdtempSync(join(tmpdir(), 'thaw-run-'));
  const store = new Podman({ root: join(dir, 'storage'), runRoot });
  const removeDir = (): void => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(runRoot, { recursive: true, force: true });
  };
  // Interrupted (SIGINT, SIGTERM, process.exit): no time for async work. The live containers go
  // first, then the store is emptied synchronously (its overlay mount would keep the folder busy).
  const onExit = (): void => {
    killPodmanCallsSync();
    removeLiveContainersSync();
    spawnSync('podman', [...store.globalArgs(), 'system', 'reset', '--force'], {
      stdio: 'ignore',
      env: store.env(),
      timeout: 60_000,
    });
    try {
      removeDir();
    } catch {
      // Whatever is left is in the temporary folder; an exit handler must not throw.
    }
  };
  process.on('exit', onExit);
  let registry: LocalRegistry | undefined;
  const close = async (): Promise<void> => {
    await registry?.stop();
    await store.resetStore().catch(() => undefined);
    removeDir();
    process.off('exit', onExit);
  };
  try {
    registry = await startLocalRegistry(join(dir, 'registry'));
    const images = await stageImages(
      variants.flatMap((v) =>
        v.container === undefined ? [] : [{ variant: v.name, source: v.container.source }],
      ),
      { registry, runStore: store, scratchDir: dir, pullRuns },
    );
    const byVariant = new Map(images.flatMap((image) => image.variants.map((v) => [v, image.reference])));
    return {
      store,
      images,
      referenceOf: (variant) => {
        const reference = byVariant.get(variant);
        if (reference === undefined) throw new TypeError(`No image was staged for variant "${variant}".`);
        return reference;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
