import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { publish, ThawError } from '../src/index.ts';
import { closeServer } from './support/fixture-process.ts';

describe('publish()', () => {
  let sink: Server | undefined;
  afterEach(async () => {
    await closeServer(sink);
    sink = undefined;
  });

  const startSink = async (
    status: number,
  ): Promise<{ url: string; received: Array<{ headers: IncomingHttpHeaders; body: string }> }> => {
    const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
    sink = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(status, { connection: 'close' });
        res.end();
      });
    });
    await new Promise<void>((resolve) => sink!.listen(0, '127.0.0.1', resolve));
    const { port } = sink.address() as { port: number };
    return { url: `http://127.0.0.1:${port}/`, received };
  };

  it('sends the event to K_SINK in binary mode with K_CE_OVERRIDES applied', async () => {
    const { url, received } = await startSink(202);
    const status = await publish(
      { type: 'com.example.order.checked', source: '/risk', subject: 'order-1', data: { risk: 'low' } },
      { env: { K_SINK: url, K_CE_OVERRIDES: '{"extensions":{"tenant":"acme"}}' } },
    );
    expect(status).toBe(202);
    expect(received).toHaveLength(1);
    const [{ headers, body }] = received as [{ headers: IncomingHttpHeaders; body: string }];
    expect(headers['ce-type']).toBe('com.example.order.checked');
    expect(headers['ce-source']).toBe('/risk');
    expect(headers['ce-subject']).toBe('order-1');
    expect(headers['ce-specversion']).toBe('1.0');
    expect(headers['ce-tenant']).toBe('acme');
    expect(headers['ce-id']).toMatch(/\S/);
    expect(headers['content-type']).toContain('application/json');
    expect(JSON.parse(body)).toEqual({ risk: 'low' });
  });

  it('fails with THAW_PUBLISH_FAILED when the sink does not accept the event', async () => {
    const { url } = await startSink(503);
    await expect(publish({ type: 't', source: '/s' }, { env: { K_SINK: url } })).rejects.toMatchObject({
      code: 'THAW_PUBLISH_FAILED',
      message: expect.stringContaining('The sink answered 503') as unknown,
    });
  });

  it('fails with THAW_SINK_MISSING, naming SinkBinding, when K_SINK is not set', async () => {
    const error = await publish({ type: 't', source: '/s' }, { env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThawError);
    expect(error).toMatchObject({ code: 'THAW_SINK_MISSING' });
    expect((error as Error).message).toContain('SinkBinding');
  });
});
