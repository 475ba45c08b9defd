// One scale-from-zero through the emulated activator and queue-proxy, with a real container.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRootfs, localImagePath, writeNodeRootfs } from '../../src/containers/local-image.ts';
import { runKnativeColdStart } from '../../src/knative/knative-cold-start.ts';
import { type PrivateStore, privateStore } from './private-store.ts';

const server = `'use strict';
const http = require('node:http');
const started = Date.now();
let running = 0;
let maxRunning = 0;
if (process.env.HOG_MIB) globalThis.hog = Buffer.alloc(Number(process.env.HOG_MIB) * 2 ** 20, 1);
const server = http.createServer((req, res) => {
  if (req.url === '/readyz') return res.writeHead(Date.now() - started < 300 ? 503 : 200).end();
  running++;
  maxRunning = Math.max(maxRunning, running);
  setTimeout(() => {
    running--;
    res.end('hello ' + maxRunning);
    // BLOCK_MS: 300 ms after the first response the event loop is busy that long, as a deferred
    // SDK load evaluating a module graph keeps it.
    if (process.env.BLOCK_MS && !globalThis.blocked) {
      globalThis.blocked = true;
      setTimeout(() => {
        const until = Date.now() + Number(process.env.BLOCK_MS);
        while (Date.now() < until);
      }, 300);
    }
  }, 20);
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

let store: PrivateStore;
const image = 'localhost/thaw-knative-test:1';

beforeAll(async () => {
  store = privateStore();
  const rootfs = join(store.dir, 'rootfs');
  writeNodeRootfs(rootfs, process.execPath);
  mkdirSync(join(rootfs, 'app'));
  writeFileSync(join(rootfs, 'app', 'server.cjs'), server);
  await importRootfs(store.podman, rootfs, image, {
    entrypoint: ['/usr/local/bin/node'],
    cmd: ['/app/server.cjs'],
    env: { PATH: localImagePath },
    user: '65532:65532',
  });
  rmSync(rootfs, { recursive: true, force: true });
}, 120_000);
afterAll(async () => {
  await store.dispose();
});

describe('a Knative-mode cold start', () => {
  it('holds the requests until the probe passes, then splits arrival → response into its parts', async () => {
    const record = await runKnativeColdStart(
      {
        name: 'slow-ready',
        image,
        env: {},
        cpus: 1,
        memoryBytes: 128 * 2 ** 20,
        probe: { httpGet: { path: '/readyz' } },
        containerConcurrency: 1,
      },
      { requests: 3, store: store.podman.store },
    );
    expect(record.failure).toBeUndefined();
    expect(record.ok).toBe(true);
    expect(record.probing).toBe(
      'knative: every 50 ms, 100 ms timeout, fresh connection per probe, on for 1000 ms after the first response',
    );
    expect(record.requests.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(record.probedReadyMs! - record.listeningMs!).toBeGreaterThanOrEqual(200);
    expect(record.probesToReady!.failures).toBeGreaterThanOrEqual(3);
    expect(record.probesAfterReady!.timeouts).toBe(0);
    // The prober went on for its default window after the first response.
    expect(record.probesAfterResponse!.windowMs).toBe(1000);
    expect(record.probesAfterResponse!.probedMs).toBeGreaterThanOrEqual(1000);
    expect(record.probesAfterResponse!.attempts).toBeGreaterThanOrEqual(10);
    expect(record.probesAfterResponse!.timeouts).toBe(0);
    expect(record.containerStartedMs).toBeGreaterThan(record.askedToStartMs);
    const b = record.breakdown!;
    // No startup report: the process's own ready moment is unknown, so listening → probed ready is one part.
    expect(b.probeLagMs).toBeUndefined();
    const parts =
      b.containerStartMs + b.processToListeningMs + b.listeningToReadyMs + b.upstreamMs + b.proxyOverheadMs;
    expect(parts).toBeCloseTo(record.firstResponseMs!, 3);
    expect(b.upstreamMs).toBeGreaterThanOrEqual(19);
    // containerConcurrency 1: the container never saw two requests at once.
    expect(record.requests.map((r) => r.body)).toEqual(['hello 1', 'hello 1', 'hello 1']);
    expect(record.rssBytes).toBeGreaterThan(10 * 2 ** 20);
    expect(record.oomKilled).toBe(false);
    expect(record.exitCode).toBe(0);
    expect(await store.podman.containersLabelled('thaw.bench=1')).toEqual([]);
  });

  it('keeps probing after the first response and counts a probe that times out then', async () => {
    const record = await runKnativeColdStart(
      {
        name: 'busy-after-response',
        image,
        env: { BLOCK_MS: '400' },
        cpus: 1,
        memoryBytes: 128 * 2 ** 20,
        probe: { httpGet: { path: '/readyz' } },
        containerConcurrency: 0,
      },
      { store: store.podman.store, probeAfterResponseMs: 1500 },
    );
    expect(record.ok).toBe(true);
    expect(record.probing).toContain('on for 1500 ms after the first response');
    // Ready → the first response: nothing blocked yet.
    expect(record.probesAfterReady!.timeouts).toBe(0);
    const after = record.probesAfterResponse!;
    expect(after.windowMs).toBe(1500);
    expect(after.probedMs).toBeGreaterThanOrEqual(1500);
    expect(after.attempts).toBeGreaterThanOrEqual(12);
    expect(after.timeouts).toBeGreaterThanOrEqual(1);
    for (const at of after.timeoutsAtMs) {
      expect(at).toBeGreaterThanOrEqual(150);
      expect(at).toBeLessThan(1000);
    }
    expect(await store.podman.containersLabelled('thaw.bench=1')).toEqual([]);
  });

  it('counts a container killed for its memory limit as a failed run with OOMKilled', async () => {
    const record = await runKnativeColdStart(
      {
        name: 'hog',
        image,
        env: { HOG_MIB: '200' },
        memoryBytes: 64 * 2 ** 20,
        probe: { tcpSocket: true },
        containerConcurrency: 0,
      },
      { store: store.podman.store, timeoutMs: 10_000 },
    );
    expect(record.ok).toBe(false);
    expect(record.oomKilled).toBe(true);
    expect(record.failure).toContain('OOMKilled');
    expect(record.requests[0]?.status).toBe(503);
  });
});
