// The emulated Knative request path against a real HTTP server on loopback: the activator holds
// requests until the revision is ready, the queue-proxy's breaker enforces containerConcurrency,
// and the prober probes the way the queue-proxy does.
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startActivator } from '../../src/knative/activator.ts';
import { exchange } from '../../src/knative/exchange.ts';
import { probeUntilReady, watchReadiness } from '../../src/knative/prober.ts';
import { startQueueProxy } from '../../src/knative/queue-proxy.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('the emulated activator and queue-proxy', () => {
  it('holds requests at zero, asks for one pod, and lets containerConcurrency requests run at a time', async () => {
    let running = 0;
    let maxRunning = 0;
    const upstream = await serve((_req, res) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      setTimeout(() => {
        running--;
        res.end('done');
      }, 30);
    });
    const proxy = await startQueueProxy({ upstreamPort: upstream, containerConcurrency: 1 });
    let scaled = 0;
    const activator = await startActivator({
      containerConcurrency: 1,
      onScaleFromZero: () => {
        scaled++;
      },
    });
    try {
      const responses = Promise.all(
        Array.from({ length: 5 }, () =>
          exchange({ port: activator.port, method: 'GET', path: '/', timeoutMs: 5000 }),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(activator.held()).toBe(5);
      expect(scaled).toBe(1);
      // Every request has arrived by now; activating 100 ms later bounds each one's hold from
      // below whatever the machine's load did to their arrival.
      await new Promise((resolve) => setTimeout(resolve, 100));
      activator.activate(proxy.port);
      const done = await responses;
      expect(done.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(done.map((r) => r.body.toString())).toEqual(Array(5).fill('done'));
      expect(maxRunning).toBe(1);
      for (const r of done) {
        expect(Number(r.headers['x-thaw-held-ms'])).toBeGreaterThanOrEqual(99);
        expect(Number(r.headers['x-thaw-upstream-ms'])).toBeGreaterThanOrEqual(25);
      }
    } finally {
      await activator.close();
      await proxy.close();
    }
  });

  it('answers 503 past the queue-proxy queue of 10 × containerConcurrency', async () => {
    const upstream = await serve((_req, res) => setTimeout(() => res.end('slow'), 200));
    const proxy = await startQueueProxy({ upstreamPort: upstream, containerConcurrency: 1 });
    try {
      const all = await Promise.all(
        Array.from({ length: 13 }, () =>
          exchange({ port: proxy.port, method: 'GET', path: '/', timeoutMs: 10_000 }),
        ),
      );
      expect(all.filter((r) => r.status === 503)).toHaveLength(2);
      expect(proxy.refused()).toBe(2);
    } finally {
      await proxy.close();
    }
  });

  it('answers held requests 503 when the revision never becomes ready', async () => {
    const activator = await startActivator({ containerConcurrency: 0, onScaleFromZero: () => undefined });
    try {
      const pending = exchange({ port: activator.port, method: 'GET', path: '/', timeoutMs: 5000 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      activator.fail('scale from zero failed: no image');
      const response = await pending;
      expect(response.status).toBe(503);
      expect(response.body.toString()).toContain('no image');
    } finally {
      await activator.close();
    }
  });
});

describe('the queue-proxy-style prober', () => {
  it('probes every 50 ms on fresh connections and needs successThreshold successes in a row', async () => {
    const started = performance.now();
    const connections = new Set<unknown>();
    const port = await serve((req, res) => {
      connections.add(req.socket);
      res.writeHead(performance.now() - started < 200 ? 503 : 200).end();
    });
    const tally = await probeUntilReady(
      { port, probe: { httpGet: { path: '/readyz' } }, successThreshold: 2 },
      new Promise(() => undefined),
    );
    const readyAfter = tally.readyAtMs! - started;
    expect(readyAfter).toBeGreaterThanOrEqual(250);
    expect(readyAfter).toBeLessThan(600);
    expect(tally.failures).toBeGreaterThanOrEqual(3);
    expect(tally.timeouts).toBe(0);
    expect(connections.size).toBe(tally.attempts);
  });

  it('counts a probe that gets no answer within 100 ms as a timeout, and TCP-probes a closed port as failed', async () => {
    const port = await serve((_req, res) => setTimeout(() => res.end(), 300));
    const watch = watchReadiness({ port, probe: { httpGet: { path: '/readyz' } } });
    await new Promise((resolve) => setTimeout(resolve, 250));
    const tally = await watch.stop();
    expect(tally.timeouts).toBeGreaterThanOrEqual(2);
    const closed = await probeUntilReady(
      { port: 1, probe: { tcpSocket: true }, pollTimeoutMs: 120 },
      new Promise(() => undefined),
    );
    expect(closed.readyAtMs).toBeUndefined();
    expect(closed.failures).toBeGreaterThanOrEqual(2);
  });
});
