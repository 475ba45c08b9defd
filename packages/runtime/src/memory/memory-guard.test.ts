import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../logger.ts';
import { collectGarbage } from './full-collection.ts';
import { memoryGuardEffects as effects } from './guard-loader.ts';
import { MemoryGuard, sampleProcessMemory, type MemorySample } from './memory-guard.ts';
import { memoryShedCount, memoryShedding } from './memory-state.ts';

const mib = 2 ** 20;

function recordingLogger(): Logger & { lines: Array<[string, string]> } {
  const lines: Array<[string, string]> = [];
  return {
    lines,
    info: (message) => lines.push(['info', message]),
    warn: (message) => lines.push(['warn', message]),
    error: (message) => lines.push(['error', message]),
  };
}

function guardWith(samples: MemorySample[], limitBytes: number | undefined, ratio = 0.9) {
  const logger = recordingLogger();
  let next: MemorySample = samples[0]!;
  const clock = { now: 0, collections: 0 };
  const guard = new MemoryGuard({
    limitBytes: () => limitBytes,
    ratio,
    logger,
    effects,
    intervalMs: 60_000,
    nearIntervalMs: 60_000,
    sample: () => next,
    now: () => clock.now,
    collect: () => {
      clock.collections += 1;
    },
  });
  return {
    guard,
    logger,
    clock,
    feed: (sample: MemorySample): void => {
      next = sample;
      guard.check();
    },
  };
}

const sample = (rssMiB: number, heapUsedMiB = 10, heapLimitMiB = 1024): MemorySample => ({
  rssBytes: rssMiB * mib,
  heapUsedBytes: heapUsedMiB * mib,
  heapLimitBytes: heapLimitMiB * mib,
});

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

describe('the memory guard', () => {
  it('sheds once RSS reaches the ratio of the limit, logs once, and recovers only below the ratio less the margin', () => {
    const { guard, logger, feed } = guardWith([sample(50)], 100 * mib);
    guard.start();
    expect(guard.shedding).toBe(false);
    feed(sample(89));
    expect(guard.shedding).toBe(false);
    feed(sample(90));
    expect(guard.shedding).toBe(true);
    expect(memoryShedding()).toBe(true);
    expect(guard.reason).toMatch(/RSS 90\.0 MiB of 100\.0 MiB, memoryShedRatio 0\.9/u);
    feed(sample(95));
    feed(sample(87));
    expect(guard.shedding).toBe(true);
    expect(logger.lines.filter(([level]) => level === 'warn')).toHaveLength(1);
    feed(sample(84));
    expect(guard.shedding).toBe(false);
    expect(guard.reason).toBe('');
    expect(logger.lines.map(([level]) => level)).toEqual(['warn', 'info']);
    guard.stop();
  });

  it('sheds when the used heap nears V8s heap limit, with no container limit at all', () => {
    const { guard, feed } = guardWith([sample(50)], undefined);
    guard.start();
    feed(sample(900, 200, 256));
    expect(guard.shedding).toBe(false);
    feed(sample(300, 232, 256));
    expect(guard.shedding).toBe(true);
    expect(guard.reason).toMatch(/JavaScript heap is near its limit/u);
    guard.stop();
    expect(guard.shedding).toBe(false);
  });

  it('asks for a full collection while shedding, at most every collectEveryMs, and never otherwise', () => {
    const { guard, feed, clock } = guardWith([sample(50)], 100 * mib);
    guard.start();
    feed(sample(80));
    expect(clock.collections).toBe(0);
    feed(sample(95));
    expect(guard.shedding).toBe(true);
    feed(sample(95));
    expect(clock.collections).toBe(1);
    clock.now += 200;
    feed(sample(95));
    expect(clock.collections).toBe(1);
    clock.now += 300;
    feed(sample(60));
    expect(clock.collections).toBe(2);
    expect(guard.shedding).toBe(false);
    clock.now += 10_000;
    feed(sample(60));
    expect(clock.collections).toBe(2);
    guard.stop();
  });

  it('a real full collection frees garbage', () => {
    // 20 MiB of arrays, unreachable once this returns.
    const heapUsedWithGarbage = (): number => {
      const garbage = Array.from({ length: 20 }, (_, index) => new Array<number>(131_072).fill(index));
      expect(garbage).toHaveLength(20);
      return process.memoryUsage().heapUsed;
    };
    const before = heapUsedWithGarbage();
    collectGarbage();
    expect(process.memoryUsage().heapUsed).toBeLessThan(before - 10 * mib);
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe('undefined');
  });

  it('ratio 0 never samples and never sheds', () => {
    let sampled = 0;
    const guard = new MemoryGuard({
      limitBytes: () => 1,
      ratio: 0,
      logger: recordingLogger(),
      effects,
      sample: () => {
        sampled += 1;
        return sample(1000);
      },
    });
    guard.start();
    expect(sampled).toBe(0);
    expect(guard.shedding).toBe(false);
    guard.stop();
  });

  it('refuses with 503, Retry-After and the reason, and counts each refusal', async () => {
    const { guard, feed } = guardWith([sample(50)], 100 * mib);
    guard.start();
    feed(sample(99));
    server = createServer((_request, response) => {
      guard.refuse(response);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const before = memoryShedCount();
    const response = await fetch(`http://127.0.0.1:${port}/`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toMatchObject({ error: 'THAW_MEMORY_PRESSURE' });
    expect(memoryShedCount()).toBe(before + 1);
    guard.stop();
  });

  it("samples this process's RSS and V8's heap limit", () => {
    const real = sampleProcessMemory();
    expect(real.rssBytes).toBeGreaterThan(real.heapUsedBytes);
    expect(real.heapLimitBytes).toBeGreaterThan(real.heapUsedBytes);
  });
});
