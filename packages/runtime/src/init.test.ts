import { afterEach, describe, expect, it } from 'vitest';
import { ThawError } from './errors.ts';
import {
  criticalInitsReady,
  initRegistry,
  resetInitializersForTesting,
  startInitializers,
} from './init-registry.ts';
import { init } from './init.ts';
import { lifecycle, resetLifecycleForTesting } from './lifecycle.ts';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('init()', () => {
  afterEach(() => {
    resetInitializersForTesting();
    resetLifecycleForTesting();
  });

  it('shares one attempt between concurrent callers', async () => {
    let calls = 0;
    const value = init('shared', async () => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { id: calls };
    });
    const [a, b, c] = await Promise.all([value(), value(), value()]);
    expect(calls).toBe(1);
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(await value()).toBe(a);
  });

  it('does not cache a rejection: the next use tries again', async () => {
    initRegistry().logger = silent;
    let calls = 0;
    const flaky = init('flaky', (ctx) => {
      calls += 1;
      if (ctx.attempt === 1) throw new Error('first attempt fails');
      return 'second works';
    });
    const failure = await flaky().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ThawError);
    expect(failure).toMatchObject({ code: 'THAW_INIT_FAILED' });
    expect((failure as Error).message).toContain(
      'Initializer "flaky" failed (attempt 1): Error: first attempt fails',
    );
    expect((failure as Error).cause).toEqual(new Error('first attempt fails'));
    expect(flaky.status()).toMatchObject({ state: 'failed', attempts: 1 });
    expect(await flaky()).toBe('second works');
    expect(calls).toBe(2);
    expect(flaky.status()).toMatchObject({ state: 'ready', attempts: 2 });
    expect(flaky.status().error).toBeUndefined();
  });

  it('starts an on-demand initializer on first use only, and a critical one when the server starts them', async () => {
    let onDemandCalls = 0;
    const lazy = init('lazy', () => ++onDemandCalls);
    const critical = init('critical', () => 'ok', { when: 'critical' });
    startInitializers('background');
    expect(lazy.status().state).toBe('idle');
    expect(criticalInitsReady()).toBe(false);
    startInitializers('critical');
    await critical();
    expect(criticalInitsReady()).toBe(true);
    expect(onDemandCalls).toBe(0);
    expect(await lazy()).toBe(1);
  });

  it('retries a failing critical initializer on its own until it succeeds', async () => {
    initRegistry().logger = silent;
    const attemptsSeen: number[] = [];
    const db = init(
      'db',
      ({ attempt }) => {
        attemptsSeen.push(attempt);
        if (attempt < 4) throw new Error(`down (${attempt})`);
        return 'connected';
      },
      { when: 'critical', retry: { initialDelayMs: 5, maxDelayMs: 20 } },
    );
    startInitializers('critical');
    await expect.poll(() => db.status().state, { timeout: 5_000 }).toBe('ready');
    expect(attemptsSeen).toEqual([1, 2, 3, 4]);
    expect(await db()).toBe('connected');
  });

  it('fails fast during a critical backoff instead of starting another attempt', async () => {
    initRegistry().logger = silent;
    let calls = 0;
    const db = init(
      'slow-retry',
      () => {
        calls += 1;
        throw new Error('down');
      },
      { when: 'critical', retry: { initialDelayMs: 60_000, maxDelayMs: 60_000 } },
    );
    startInitializers('critical');
    await expect.poll(() => db.status().state).toBe('failed');
    const error = await db().catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/The next attempt starts in \d+ ms\./);
    expect(db.status().nextAttemptInMs).toBeGreaterThan(1_000);
    expect(calls).toBe(1);
    // Shutdown stops the retry loop.
    initRegistry().abort.abort();
  });

  it('reports exhaustion once maxAttempts is used up', async () => {
    initRegistry().logger = silent;
    const exhausted: string[] = [];
    initRegistry().onExhausted = (name) => exhausted.push(name);
    const db = init(
      'never',
      () => {
        throw new Error('down');
      },
      { when: 'critical', retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2 } },
    );
    startInitializers('critical');
    await expect.poll(() => exhausted).toEqual(['never']);
    expect(db.status().attempts).toBe(3);
  });

  it("keeps the last attempt's error in its status while the next attempt runs, and drops it once ready", async () => {
    initRegistry().logger = silent;
    let release: (() => void) | undefined;
    const flaky = init('flaky-status', async (ctx) => {
      if (ctx.attempt === 1) throw new Error('host does not resolve');
      await new Promise<void>((resolve) => (release = resolve));
      return 'ok';
    });
    await expect(flaky()).rejects.toThrow('host does not resolve');
    const second = flaky();
    await expect.poll(() => release !== undefined).toBe(true);
    expect(flaky.status()).toMatchObject({ state: 'pending', attempts: 2 });
    expect(flaky.status().error).toContain('host does not resolve');
    release!();
    expect(await second).toBe('ok');
    expect(flaky.status().error).toBeUndefined();
  });

  it('starts a critical initializer declared after the server started the critical ones', async () => {
    startInitializers('critical');
    const late = init('late', () => 'ok', { when: 'critical' });
    expect(late.status().state).toBe('pending');
    await expect.poll(() => criticalInitsReady()).toBe(true);
  });

  it('registers dispose in lifecycle().disposers when the value is created', async () => {
    const disposed: string[] = [];
    const pool = init('pool', () => 'p', { dispose: (value) => void disposed.push(value) });
    expect(lifecycle().disposers).toHaveLength(0);
    await pool();
    expect(lifecycle().disposers.map((d) => d.name)).toEqual(['init pool']);
    await lifecycle().disposers[0]!.dispose();
    expect(disposed).toEqual(['p']);
  });

  it('passes the shutdown signal to factories', async () => {
    const seen = init('signal', ({ signal }) => signal);
    const signal = await seen();
    expect(signal.aborted).toBe(false);
    initRegistry().abort.abort();
    expect(signal.aborted).toBe(true);
  });
});
