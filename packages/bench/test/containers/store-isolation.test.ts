// Two private stores on one machine must not share libpod state: emptying one (as a finished
// test or benchmark does) once deleted the shared tmpdir, and the other store's next podman call
// failed with "acquiring lock 0 for container …: file exists", its running containers lost.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { busyboxImage, type PrivateStore, privateStore } from './private-store.ts';

let kept: PrivateStore;
let emptied: PrivateStore;

beforeAll(async () => {
  kept = privateStore();
  emptied = privateStore();
  await busyboxImage(kept, 'localhost/thaw-busybox:kept');
  await busyboxImage(emptied, 'localhost/thaw-busybox:emptied');
}, 120_000);
afterAll(async () => {
  await kept.dispose();
  await emptied.dispose();
});

it('emptying one private store leaves a container running in another untouched', async () => {
  const running = await kept.podman.run({ image: 'localhost/thaw-busybox:kept', args: ['sleep', '60'] });
  const other = await emptied.podman.run({ image: 'localhost/thaw-busybox:emptied', args: ['sleep', '60'] });
  try {
    await emptied.podman.resetStore();
    expect(await kept.podman.containersLabelled('thaw.bench=1')).toEqual([running.id]);
    expect(await running.inspect()).toMatchObject({ running: true, status: 'running' });
    const next = await kept.podman.run({ image: 'localhost/thaw-busybox:kept', args: ['echo', 'ok'] });
    expect(await next.wait()).toBe(0);
    await next.remove();
    // A run that fails after podman created the container leaves nothing behind either.
    await expect(
      kept.podman.run({ image: 'localhost/thaw-busybox:kept', args: ['no-such-program'] }),
    ).rejects.toThrow('no-such-program');
    expect(await kept.podman.containersLabelled('thaw.bench=1')).toEqual([running.id]);
  } finally {
    await running.remove();
    await other.remove();
  }
});

it('refuses to empty the machine-wide default store', async () => {
  const { Podman } = await import('../../src/containers/podman.ts');
  await expect(new Podman().resetStore()).rejects.toThrow('resetStore() empties a private store only');
});
