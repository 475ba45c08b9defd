import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { cloudEvent, fromNodeListener, HttpError, init, installMetrics } from '../src/index.ts';
import { resetRequestMetricsForTesting } from '../src/metrics/request-metrics.ts';
import { resetMarksForTesting } from '../src/startup/marks.ts';
import { eventually, get } from './support/fixture-process.ts';
import { resetRuntimeState, startServer, type TestServer } from './support/in-process.ts';

/** The samples of one scrape, `name{labels}` → value. */
async function scrape(port: number): Promise<Map<string, number>> {
  const response = await get(port, '/metrics');
  expect(response.status).toBe(200);
  const samples = new Map<string, number>();
  for (const line of response.body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

const count = (trigger: string, statusClass: string): string =>
  `thaw_request_duration_seconds_count{trigger="${trigger}",status_class="${statusClass}"}`;

describe('/metrics through the server', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.handle.close();
    server = undefined;
    resetRuntimeState();
    resetRequestMetricsForTesting();
    resetMarksForTesting();
  });

  it('times invocations by status class, counts warm-ups apart, and shows the one in flight', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    installMetrics();
    server = await startServer(
      async (request) => {
        const path = new URL(request.url).pathname;
        if (path === '/missing') throw new HttpError(404, 'no such order');
        if (path === '/boom') throw new Error('boom');
        if (path === '/slow') await held;
        return new Response('ok');
      },
      { warmupPath: '/_warmup' },
    );
    await server.handle.ready;
    const { port } = server;
    expect((await get(port, '/')).status).toBe(200);
    expect((await get(port, '/')).status).toBe(200);
    expect((await get(port, '/missing')).status).toBe(404);
    expect((await get(port, '/boom')).status).toBe(500);
    expect((await get(port, '/_warmup')).status).toBe(204);
    await get(port, '/healthz');
    await get(port, '/readyz');

    const slow = get(port, '/slow');
    await eventually(async () => (await scrape(port)).get('thaw_invocations_in_flight') === 1);
    release();
    expect((await slow).status).toBe(200);

    const samples = await scrape(port);
    expect(samples.get(count('http', '2xx'))).toBe(3);
    expect(samples.get(count('http', '4xx'))).toBe(1);
    expect(samples.get(count('http', '5xx'))).toBe(1);
    expect(samples.get(count('warmup', '2xx'))).toBe(1);
    // Probes and scrapes are not invocations.
    expect(
      [...samples.keys()].filter((key) => key.startsWith('thaw_request_duration_seconds_count')),
    ).toHaveLength(4);
    expect(samples.get('thaw_invocations_in_flight')).toBe(0);
    expect(samples.get('thaw_cold_starts_total')).toBe(1);
    expect(samples.get('thaw_cold_start_duration_seconds_count{until="ready"}')).toBe(1);
    expect(samples.get('thaw_cold_start_duration_seconds_count{until="first_response"}')).toBe(1);
    expect(
      samples.get('thaw_cold_start_duration_seconds_sum{until="first_response"}'),
    ).toBeGreaterThanOrEqual(samples.get('thaw_cold_start_duration_seconds_sum{until="ready"}')!);
  });

  it('counts a response the client abandoned as aborted, and a CloudEvent under its own trigger', async () => {
    installMetrics();
    server = await startServer(
      fromNodeListener((_request, response) => {
        response.writeHead(200);
        response.write('partial');
        // Never ended: the client gives up.
      }),
    );
    await server.handle.ready;
    const { port } = server;
    await new Promise<void>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.end();
    });
    await eventually(async () => (await scrape(port)).get(count('http', 'aborted')) === 1);
    await server.handle.close();
    server = undefined;
    resetRuntimeState();

    installMetrics();
    server = await startServer(cloudEvent(() => undefined));
    await server.handle.ready;
    const headers = { 'ce-id': '1', 'ce-source': '/test', 'ce-type': 'test', 'ce-specversion': '1.0' };
    expect((await get(server.port, '/', { method: 'POST', headers })).status).toBe(204);
    expect((await scrape(server.port)).get(count('cloudevent', '2xx'))).toBe(1);
  });

  it('reports each initializer: its duration, attempts by outcome and its state', async () => {
    let calls = 0;
    init(
      'db',
      () => {
        calls += 1;
        if (calls < 3) throw new Error('not yet');
        return 'connected';
      },
      { when: 'critical', retry: { initialDelayMs: 10, maxDelayMs: 20 } },
    );
    init('model', () => new Promise<never>(() => undefined), { when: 'on-demand' });
    installMetrics();
    server = await startServer(() => new Response('ok'));
    await server.handle.ready;
    const samples = await scrape(server.port);
    const db = 'initializer="db",when="critical"';
    expect(samples.get(`thaw_initializer_attempts_total{${db},outcome="ready"}`)).toBe(1);
    expect(samples.get(`thaw_initializer_attempts_total{${db},outcome="failed"}`)).toBe(2);
    expect(samples.get(`thaw_initializer_state{${db},state="ready"}`)).toBe(1);
    expect(samples.get(`thaw_initializer_state{${db},state="failed"}`)).toBe(0);
    // From the first attempt to the value: two retry delays, at least 5 and 10 ms with equal jitter.
    expect(samples.get(`thaw_initializer_duration_seconds{${db}}`)).toBeGreaterThanOrEqual(0.015);
    const model = 'initializer="model",when="on-demand"';
    expect(samples.get(`thaw_initializer_state{${model},state="idle"}`)).toBe(1);
    expect(samples.has(`thaw_initializer_duration_seconds{${model}}`)).toBe(false);
  });

  it('records nothing per request when metrics are off', async () => {
    server = await startServer(() => new Response('ok'));
    await server.handle.ready;
    await get(server.port, '/');
    const { requestMetrics } = await import('../src/metrics/request-metrics.ts');
    expect(requestMetrics().series.size).toBe(0);
    expect(requestMetrics().inFlight).toBe(0);
  });
});
