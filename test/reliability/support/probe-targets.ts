// The two servers of the probe scenarios, started as spawned processes or as containers.
import { join } from 'node:path';
import { freePort } from '../../../packages/bench/src/free-port.ts';
import { releasePort } from '../../../packages/bench/src/port-reservation.ts';
import { startFixture } from '../../../packages/runtime/test/support/fixture-process.ts';
import { fixtureArgs, type FixtureImage } from './fixture-image.ts';
import type { ProbeTarget } from './probe-scenario.ts';

/** The fixtures: thaw, and the bare node:http server with the same initializer and handler. */
export const probeFixtures = {
  thaw: join(import.meta.dirname, '..', 'fixtures', 'probe-thaw.ts'),
  bare: join(import.meta.dirname, '..', 'fixtures', 'probe-bare.ts'),
} as const;

/** The critical initializer's length in every scenario. */
export const probeInitMs = 1_500;

/**
 * Spawns the fixture as a child process on a free port.
 *
 * @example
 * ```ts
 * const run = await runProbeScenario(load, spawnProbeTarget);
 * ```
 */
export async function spawnProbeTarget(kind: 'thaw' | 'bare'): Promise<ProbeTarget> {
  const child = startFixture(probeFixtures[kind], { env: { INIT_MS: String(probeInitMs) } });
  return { port: await child.port, stop: () => child.stop() };
}

/**
 * Starts the fixture in a container of `image` limited to `cpus` cores, on a free port.
 *
 * @example
 * ```ts
 * const run = await runProbeScenario(load, (kind) => containerProbeTarget(image, kind, 0.5));
 * ```
 */
export async function containerProbeTarget(
  image: FixtureImage,
  kind: 'thaw' | 'bare',
  cpus: number,
): Promise<ProbeTarget> {
  const port = await freePort();
  const container = await image.podman.run({
    image: image.image,
    args: fixtureArgs(kind === 'thaw' ? 'probe-thaw' : 'probe-bare'),
    env: { PORT: String(port), HOST: '127.0.0.1', INIT_MS: String(probeInitMs) },
    cpus,
    memoryBytes: 256 * 2 ** 20,
  });
  return {
    port,
    stop: async () => {
      await container.remove();
      releasePort(port);
    },
  };
}
