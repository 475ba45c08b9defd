import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkRefusal, otlpTracesEndpoint } from './collector-refusal.ts';

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve((server.address() as { port: number }).port);
    });
  });
}

describe('the collector refusal check', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => {
      if (server === undefined) resolve(undefined);
      else server.close(resolve);
    });
    server = undefined;
  });

  it('derives the traces endpoint as the OTLP/HTTP exporter does', () => {
    expect(otlpTracesEndpoint({})).toBe('http://localhost:4318/v1/traces');
    expect(otlpTracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' })).toBe(
      'http://c:4318/v1/traces',
    );
    expect(
      otlpTracesEndpoint({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:9/x',
      }),
    ).toBe('http://t:9/x');
  });

  it('reports a port that refuses connections', async () => {
    server = createServer();
    const port = await listen(server);
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
    const check = checkRefusal(`http://127.0.0.1:${port}/v1/traces`);
    const accepted = check.accepted.then(() => 'accepted');
    await expect(Promise.race([check.refused, accepted])).resolves.toBe('ECONNREFUSED');
    check.cancel();
  });

  it('tells an accepting collector apart at once, before any export', async () => {
    server = createServer((socket) => socket.destroy());
    const port = await listen(server);
    const check = checkRefusal(`http://127.0.0.1:${port}/v1/traces`);
    const refused = check.refused.then((code) => `refused ${code}`);
    await expect(Promise.race([refused, check.accepted.then(() => 'accepted')])).resolves.toBe('accepted');
    check.cancel();
  });

  it('leaves both answers pending for an endpoint it cannot parse', async () => {
    const check = checkRefusal('not a url');
    const outcome = await Promise.race([
      check.refused,
      check.accepted.then(() => 'accepted'),
      new Promise((resolve) => {
        setTimeout(() => {
          resolve('pending');
        }, 50);
      }),
    ]);
    check.cancel();
    expect(outcome).toBe('pending');
  });

  it('stays pending while the collector accepts connections', async () => {
    server = createServer((socket) => socket.destroy());
    const port = await listen(server);
    let accepted = 0;
    server.on('connection', () => (accepted += 1));
    const check = checkRefusal(`http://127.0.0.1:${port}/v1/traces`);
    const outcome = await Promise.race([
      check.refused,
      new Promise((resolve) => {
        setTimeout(() => {
          resolve('pending');
        }, 200);
      }),
    ]);
    check.cancel();
    expect(outcome).toBe('pending');
    expect(accepted).toBe(1);
  });
});
