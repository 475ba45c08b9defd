import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { lightSdkLoadOrder, loadLightSdk } from './light-sdk.ts';
import { LoadPacer } from './load-pacer.ts';

/** Runs `steps` as the SDK load does: `pace()` before each. */
async function runPaced(pacer: LoadPacer, steps: ReadonlyArray<() => void>): Promise<void> {
  for (const step of steps) {
    await pacer.pace();
    step();
  }
}

/** Lets `turns` macrotasks pass. */
async function turns(count: number): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    await new Promise((resolve) => {
      setImmediate(resolve);
    });
  }
}

describe('the SDK load pacer', () => {
  it('runs the steps in order with a macrotask between two, so that other callbacks run in between', async () => {
    const pacer = new LoadPacer({ quietMs: 0, maxWaitMs: 1000 });
    const log: string[] = [];
    await runPaced(pacer, [
      () => {
        log.push('core');
        setImmediate(() => log.push('a probe'));
      },
      () => {
        log.push('resources');
        setImmediate(() => log.push('a request'));
      },
      () => log.push('sdk-trace'),
    ]);
    expect(log).toEqual(['core', 'a probe', 'resources', 'a request', 'sdk-trace']);
    expect(pacer.steps).toBe(3);
  });

  it('loads the light SDK one package at a time, pacing before each', async () => {
    const pacer = new LoadPacer({ quietMs: 0, maxWaitMs: 1000 });
    const modules = await loadLightSdk('Tracing', pacer.pace);
    expect(pacer.steps).toBe(lightSdkLoadOrder.length);
    expect(typeof modules.sdkTrace.TracerProvider).toBe('function');
    expect(typeof modules.otlpHttp.OTLPTraceExporter).toBe('function');
  });

  it('rests after each step twice as long as the step took, on a timer, so the loop waits for I/O in between', async () => {
    const pacer = new LoadPacer({ quietMs: 0, maxWaitMs: 1000 });
    const starts: number[] = [];
    const ends: number[] = [];
    const busy = (ms: number): void => {
      const until = performance.now() + ms;
      while (performance.now() < until) {
        // The CPU a step spends, evaluating a module.
      }
    };
    await runPaced(pacer, [
      () => {
        starts.push(performance.now());
        busy(15);
        ends.push(performance.now());
      },
      () => {
        starts.push(performance.now());
      },
    ]);
    const stepMs = (ends[0] ?? 0) - (starts[0] ?? 0);
    const restMs = (starts[1] ?? 0) - (ends[0] ?? 0);
    expect(restMs).toBeGreaterThanOrEqual(Math.min(50, 2 * stepMs) - 2);
    expect(pacer.restedMs).toBeGreaterThanOrEqual(Math.min(50, 2 * stepMs) - 2);
  });

  it('rests no longer than maxRestMs after a long step', async () => {
    let clock = 0;
    const pacer = new LoadPacer({ quietMs: 0, maxWaitMs: 1000, maxRestMs: 20, now: () => clock });
    await pacer.pace();
    clock += 5_000; // a step that waited on slow I/O: uncapped, its rest would be 10 s
    const before = performance.now();
    await pacer.pace();
    expect(performance.now() - before).toBeLessThan(1_000);
  });

  it('ends a rest at once when hurried, as a shutdown does', async () => {
    let clock = 0;
    const pacer = new LoadPacer({ quietMs: 0, maxWaitMs: 1000, maxRestMs: 10_000, now: () => clock });
    await pacer.pace();
    clock += 2_000; // the rest would be 4 s
    const resting = pacer.pace();
    await turns(2);
    const hurriedAt = performance.now();
    pacer.hurry();
    await resting;
    expect(performance.now() - hurriedAt).toBeLessThan(1_000);
  });

  it('holds the next step while a request that arrived mid-load runs, and goes on when it ends', async () => {
    const pacer = new LoadPacer({ quietMs: 0, maxWaitMs: 60_000 });
    const log: string[] = [];
    const loading = runPaced(pacer, [
      () => {
        log.push('step 1');
        pacer.requestStarted();
      },
      () => log.push('step 2'),
    ]);
    await turns(20);
    expect(log).toEqual(['step 1']);
    expect(pacer.inFlight).toBe(1);
    pacer.requestEnded();
    await loading;
    expect(log).toEqual(['step 1', 'step 2']);
  });

  it('starts only after quietMs with no request running, counted from the last response', async () => {
    const pacer = new LoadPacer({ quietMs: 40, maxWaitMs: 60_000 });
    pacer.requestStarted();
    let quiet = false;
    const waiting = pacer.whenQuiet().then(() => (quiet = true));
    await sleep(60);
    expect(quiet).toBe(false); // a request is still running
    pacer.requestEnded();
    const firstEnd = performance.now();
    await sleep(10);
    // Another request inside the quiet time starts the count again from its end.
    pacer.requestStarted();
    pacer.requestEnded();
    const lastEnd = performance.now();
    await waiting;
    expect(performance.now() - lastEnd).toBeGreaterThanOrEqual(39);
    expect(performance.now() - firstEnd).toBeGreaterThanOrEqual(49);
  });

  it('is quiet at once when no request has run', async () => {
    const pacer = new LoadPacer({ quietMs: 60_000, maxWaitMs: 60_000 });
    await pacer.whenQuiet();
    expect(pacer.waitedMs).toBe(0);
  });

  it('waits for quiet moments no longer than maxWaitMs in all, then only yields', async () => {
    const pacer = new LoadPacer({ quietMs: 0, maxWaitMs: 30 });
    pacer.requestStarted(); // a request that never ends
    const log: string[] = [];
    await runPaced(pacer, [() => log.push('step 1'), () => log.push('step 2'), () => log.push('step 3')]);
    expect(log).toEqual(['step 1', 'step 2', 'step 3']);
    expect(pacer.waitedMs).toBeGreaterThanOrEqual(29);
    // The budget is spent: a later wait does not wait.
    const before = pacer.waitedMs;
    await pacer.whenQuiet();
    expect(pacer.waitedMs).toBe(before);
  });

  it('ends every wait when hurried, as a shutdown does', async () => {
    const pacer = new LoadPacer({ quietMs: 60_000, maxWaitMs: 60_000 });
    pacer.requestStarted();
    const log: string[] = [];
    const loading = runPaced(pacer, [() => log.push('step 1'), () => log.push('step 2')]);
    await turns(5);
    expect(log).toEqual([]);
    pacer.hurry();
    await loading;
    expect(log).toEqual(['step 1', 'step 2']);
    await pacer.whenQuiet();
  });
});
