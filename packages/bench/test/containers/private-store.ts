// A podman store of the test's own in a temporary folder: images made here cannot collide with
// a concurrent run's, and the whole store goes when the test is done.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Podman, requirePodman } from '../../src/containers/podman.ts';
import { importRootfs, localImagePath, writeBusyboxRootfs } from '../../src/containers/local-image.ts';

/** A private store and its podman; `dispose()` removes its containers and the folder. */
export interface PrivateStore {
  readonly dir: string;
  readonly podman: Podman;
  readonly dispose: () => Promise<void>;
}

/** Creates the store, failing with one line naming the packages when podman or runc is missing. */
export function privateStore(): PrivateStore {
  requirePodman();
  const dir = mkdtempSync(join(tmpdir(), 'thaw-podman-'));
  const podman = new Podman({ root: join(dir, 'storage'), runRoot: join(dir, 'run') });
  return {
    dir,
    podman,
    dispose: async () => {
      await podman.resetStore().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Imports a busybox image named `name` into the store. */
export async function busyboxImage(store: PrivateStore, name: string): Promise<string> {
  const rootfs = join(store.dir, `rootfs-${name.replace(/\W/gu, '-')}`);
  writeBusyboxRootfs(rootfs);
  await importRootfs(store.podman, rootfs, name, { cmd: ['/bin/sh'], env: { PATH: localImagePath } });
  rmSync(rootfs, { recursive: true, force: true });
  return name;
}
