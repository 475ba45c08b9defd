import * as api from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { createServer, type Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { ThawError } from '../errors.ts';
import type { InvocationInfo } from '../lifecycle.ts';
import { DeferredTracing, type DeferredTracingDeps } from './deferred-tracing.ts';
import type { Telemetry } from './otel.ts';
import { hrTimeSinceStart } from './span-time.ts';
import { defaultTracingOptions, type ResolvedTracingOptions } from './tracing-options.ts';

const info = (id: string, coldStart = false): InvocationInfo => ({
  invocationId: id,
  coldStart,
  trigger: 'http',
  method: 'GET',
  target: '/',
  headers: {},
});

function setup(
  options: Partial<ResolvedTracingOptions> = {},
  failLoad = false,
  more: Partial<DeferredTracingDeps> = {},
) {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const telemetry: Telemetry = {
    api,
    tracer: provider.getTracer('test'),
    source: 'thaw',
    flush: () => provider.forceFlush(),
  };
  const errors: ThawError[] = [];
  const clock = { ms: 100 };
  let loads = 0;
  const tracing = new DeferredTracing({
    options: { ...defaultTracingOptions, sdkIdleDelayMs: 60_000, onError: (e) => errors.push(e), ...options },
    now: () => clock.ms,
    stats: new Map([['pg', () => ({ idle: 1 })]]),
    loadTelemetry: () => {
      loads += 1;
      return failLoad ? Promise.reject(new Error('no sdk here')) : Promise.resolve(telemetry);
    },
    ...more,
  });
  return { tracing, exporter, errors, clock, loads: () => loads };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await sleep(5);
  expect(condition()).toBe(true);
}

function listeningPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ server, port: (server.address() as { port: number }).port });
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
  });
}

describe('deferred tracing', () => {
  it('only times invocations until the first response is done, then loads and replays them with their times', async () => {
    const { tracing, exporter, clock, loads } = setup();
    await tracing.onReady();
    const outcome = await tracing.wrap(info('first', true), async () => {
      clock.ms = 110;
      await sleep(5);
      expect(loads()).toBe(0);
      clock.ms = 130;
      return { status: 200 };
    });
    expect(outcome).toEqual({ status: 200 });
    await until(() => tracing.telemetry !== undefined);
    await sleep(5); // the cold start replay waits for the first response mark
    expect(loads()).toBe(1);
    const spans = exporter.getFinishedSpans();
    const first = spans.find((span) => span.attributes['faas.invocation_id'] === 'first')!;
    expect(first.startTime).toEqual(hrTimeSinceStart(100));
    expect(first.endTime).toEqual(hrTimeSinceStart(130));
    expect(first.attributes).toMatchObject({ 'faas.coldstart': true, 'thaw.replayed': true });
    const root = spans.find((span) => span.name === 'cold start')!;
    expect(root.startTime).toEqual(hrTimeSinceStart(0));
    expect(root.attributes).toMatchObject({ 'thaw.resource.pg.idle': 1, 'thaw.invocations.dropped': 0 });
  });

  it('loads after the idle delay when no request comes', async () => {
    const { tracing, loads } = setup({ sdkIdleDelayMs: 10 });
    await tracing.onReady();
    expect(loads()).toBe(0);
    await until(() => tracing.telemetry !== undefined);
    expect(loads()).toBe(1);
  });

  it('lets a request that is running when the idle delay ends finish before loading', async () => {
    const { tracing, loads } = setup({ sdkIdleDelayMs: 5 });
    await tracing.onReady();
    let release: () => void = () => undefined;
    const running = tracing.wrap(
      info('slow', true),
      () =>
        new Promise(
          (resolve) =>
            (release = () => {
              resolve({ status: 200 });
            }),
        ),
    );
    await sleep(40);
    expect(loads()).toBe(0);
    release();
    await running;
    await until(() => loads() === 1);
  });

  it('waits sdkQuietMs with no request running after the first response before loading', async () => {
    const { tracing, loads } = setup({ sdkQuietMs: 50 });
    await tracing.onReady();
    await tracing.wrap(info('first', true), () => Promise.resolve({ status: 200 }));
    const firstEnd = performance.now();
    await sleep(20);
    expect(loads()).toBe(0);
    // A second request inside the quiet time postpones the load past its own end.
    await tracing.wrap(info('second'), () => sleep(10).then(() => ({ status: 200 })));
    const secondEnd = performance.now();
    await until(() => loads() === 1);
    expect(performance.now() - secondEnd).toBeGreaterThanOrEqual(49);
    expect(performance.now() - firstEnd).toBeGreaterThanOrEqual(79);
  });

  it('holds the next step of the SDK load while a request that arrived mid-load runs, and buffers it', async () => {
    const steps: string[] = [];
    let release: () => void = () => undefined;
    let running: Promise<unknown> | undefined;
    const exporter = new InMemorySpanExporter();
    const telemetry: Telemetry = {
      api,
      tracer: new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }).getTracer('t'),
      source: 'thaw',
      flush: () => Promise.resolve(),
    };
    const tracing = new DeferredTracing({
      options: { ...defaultTracingOptions, sdkIdleDelayMs: 60_000, sdkQuietMs: 0 },
      now: () => 100,
      stats: new Map(),
      loadTelemetry: async (_user, pace) => {
        await pace();
        steps.push('core');
        // A request arrives while the first package loads.
        running = tracing.wrap(
          info('mid-load'),
          () =>
            new Promise((resolve) => {
              release = () => {
                resolve({ status: 200 });
              };
            }),
        );
        await pace();
        steps.push('sdk-trace');
        return telemetry;
      },
    });
    await tracing.onReady();
    await tracing.wrap(info('first', true), () => Promise.resolve({ status: 200 }));
    await until(() => steps.length === 1);
    await sleep(30);
    expect(steps).toEqual(['core']);
    release();
    await running;
    await until(() => tracing.telemetry !== undefined);
    expect(steps).toEqual(['core', 'sdk-trace']);
    const replayed = exporter
      .getFinishedSpans()
      .find((span) => span.attributes['faas.invocation_id'] === 'mid-load');
    expect(replayed?.attributes['thaw.replayed']).toBe(true);
  });

  it('traces invocations live once loaded, and hands user errors back unchanged', async () => {
    const { tracing, exporter } = setup();
    await tracing.load();
    const error = new RangeError('user bug');
    await expect(tracing.wrap(info('a'), () => Promise.reject(error))).rejects.toBe(error);
    await expect(
      tracing.wrap(info('b'), () => {
        throw error;
      }),
    ).rejects.toBe(error);
    const spans = exporter.getFinishedSpans().filter((span) => span.kind === api.SpanKind.SERVER);
    expect(spans.map((span) => span.attributes['faas.invocation_id'])).toEqual(['a', 'b']);
    expect(spans.every((span) => span.status.code === api.SpanStatusCode.ERROR)).toBe(true);
    expect(spans[0]!.attributes['thaw.replayed']).toBeUndefined();
  });

  it('keeps only invocationBufferSize invocations before the tracer exists and reports how many it dropped', async () => {
    const { tracing, exporter } = setup({ invocationBufferSize: 1 });
    for (const id of ['a', 'b', 'c']) await tracing.wrap(info(id), () => Promise.resolve({ status: 200 }));
    await tracing.flush();
    const ids = exporter.getFinishedSpans().map((span) => span.attributes['faas.invocation_id']);
    expect(ids.filter((id) => id !== undefined)).toEqual(['a']);
    const root = exporter.getFinishedSpans().find((span) => span.name === 'cold start')!;
    expect(root.attributes['thaw.invocations.dropped']).toBe(2);
  });

  it('reports a tracer that cannot be loaded and keeps serving invocations', async () => {
    const { tracing, errors } = setup({}, true);
    await tracing.onReady();
    await expect(tracing.wrap(info('a', true), () => Promise.resolve({ status: 201 }))).resolves.toEqual({
      status: 201,
    });
    await tracing.flush();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe('THAW_TELEMETRY_FAILED');
    expect(errors[0]!.message).toContain('Loading OpenTelemetry failed');
    expect((errors[0]!.cause as Error).message).toBe('no sdk here');
  });

  it('skips loading and exporting when the collector port refuses connections, reporting it once', async () => {
    const closed = await listeningPort();
    await close(closed.server);
    const endpoint = `http://127.0.0.1:${closed.port}/v1/traces`;
    const { tracing, errors, loads } = setup({ flushTimeoutMs: 20_000 }, false, {
      collectorEndpoint: () => endpoint,
    });
    await tracing.wrap(info('a', true), () => Promise.resolve({ status: 200 }));
    await tracing.flush();
    expect(loads()).toBe(0);
    expect(errors.map((error) => error.message)).toEqual([
      expect.stringContaining(`127.0.0.1:${closed.port}/v1/traces refused the connection (ECONNREFUSED)`),
    ]);
  });

  it('loads and exports when the collector port accepts connections', async () => {
    const open = await listeningPort();
    let accepted = 0;
    open.server.on('connection', (socket) => {
      accepted += 1;
      socket.destroy();
    });
    try {
      const { tracing, errors, exporter, loads } = setup({ flushTimeoutMs: 20_000 }, false, {
        collectorEndpoint: () => `http://127.0.0.1:${open.port}/v1/traces`,
      });
      await tracing.wrap(info('a', true), () => Promise.resolve({ status: 200 }));
      await tracing.flush();
      expect(loads()).toBe(1);
      expect(errors).toEqual([]);
      expect(accepted).toBe(1);
      expect(exporter.getFinishedSpans().map((span) => span.attributes['faas.invocation_id'])).toContain('a');
    } finally {
      await close(open.server);
    }
  });

  it('bounds a flush that never finishes by flushTimeoutMs', async () => {
    const { tracing, errors } = setup({ flushTimeoutMs: 30 });
    const telemetry = await tracing.load();
    const hanging = { ...telemetry!, flush: () => new Promise<void>(() => undefined) };
    const stuck = new DeferredTracing({
      options: { ...defaultTracingOptions, flushTimeoutMs: 30, onError: (e) => errors.push(e) },
      now: () => 0,
      stats: new Map(),
      loadTelemetry: () => Promise.resolve(hanging),
    });
    await stuck.flush();
    expect(errors.map((error) => error.message)).toEqual([expect.stringContaining('longer than 30 ms')]);
  });
});
