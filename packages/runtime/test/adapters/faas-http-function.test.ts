import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, freePort, get, startFixture, type FixtureProcess } from '../support/fixture-process.ts';

describe('a faas-js-runtime HTTP function served by thaw', () => {
  let fixture: FixtureProcess | undefined;
  const flag = join(tmpdir(), `thaw-faas-ready-${process.pid}-${Date.now()}`);
  afterEach(async () => {
    await fixture?.stop();
    rmSync(flag, { force: true });
  });

  it('answers handle(context, body) results as faas-js-runtime does: StructuredReturn, text, no content, JSON body, query on the context', async () => {
    fixture = startFixture('adapters/faas-http');
    const port = await fixture.port;
    await eventually(async () => (await get(port, '/readyz')).status === 200);
    const structured = await get(port, '/?name=ada');
    expect(structured.status).toBe(200);
    expect(structured.headers['x-greeting']).toBe('Hello');
    expect(structured.headers['access-control-allow-origin']).toBe('*');
    expect(JSON.parse(structured.body)).toEqual({
      greeting: 'Hello',
      name: 'ada',
      body: null,
      bodyKind: 'undefined',
    });
    const posted = await get(port, '/', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 1 }),
    });
    expect(posted.status).toBe(201);
    expect(JSON.parse(posted.body)).toMatchObject({ body: { a: 1 }, bodyKind: 'object' });
    const form = await get(port, '/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'hello=world',
    });
    expect(JSON.parse(form.body)).toMatchObject({ body: { hello: 'world' } });
    const bytes = await get(port, '/', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: 'xyz',
    });
    expect(JSON.parse(bytes.body)).toMatchObject({ bodyKind: 'buffer' });
    const text = await get(port, '/?mode=text');
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.body).toBe('Hello text');
    expect((await get(port, '/?mode=none')).status).toBe(204);
    expect((await get(port, '/?mode=fail')).status).toBe(418);
    const options = await get(port, '/', { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers['access-control-allow-methods']).toContain('POST');
  });

  it('runs init as a critical initializer: /readyz is 503 until it is done and a request waits for it', async () => {
    fixture = startFixture('adapters/faas-http', { env: { INIT_DELAY_MS: '500' } });
    const port = await fixture.port;
    const early = await get(port, '/readyz');
    expect(early.status).toBe(503);
    expect(JSON.parse(early.body)).toMatchObject({ initializers: [{ name: 'faas init', when: 'critical' }] });
    const waited = await get(port, '/');
    expect(JSON.parse(waited.body)).toMatchObject({ greeting: 'Hello' });
    expect((await get(port, '/readyz')).status).toBe(200);
  });

  it('ANDs the readiness export into /readyz and /health/readiness, and answers /health/liveness with the liveness export', async () => {
    writeFileSync(flag, '');
    fixture = startFixture('adapters/faas-http', { env: { READY_FLAG_FILE: flag } });
    const port = await fixture.port;
    await eventually(async () => (await get(port, '/readyz')).status === 200);
    expect((await get(port, '/health/readiness')).status).toBe(200);
    const live = await get(port, '/health/liveness');
    expect([live.status, live.body]).toEqual([200, 'I am alive']);
    rmSync(flag);
    const notReady = await get(port, '/readyz');
    expect(notReady.status).toBe(503);
    expect(JSON.parse(notReady.body)).toEqual({ status: 'not-ready', failedChecks: ['faas readiness'] });
    expect((await get(port, '/health/readiness')).status).toBe(503);
    writeFileSync(flag, '');
    expect((await get(port, '/readyz')).status).toBe(200);
  });

  it('listens on FUNC_PORT and runs the shutdown export on SIGTERM after the request in flight finishes', async () => {
    const funcPort = await freePort();
    fixture = startFixture('adapters/faas-http', { env: { FUNC_PORT: String(funcPort), PORT: '0' } });
    expect(await fixture.port).toBe(funcPort);
    await eventually(async () => (await get(funcPort, '/readyz')).status === 200);
    const slow = get(funcPort, '/?mode=slow');
    await new Promise((resolve) => setTimeout(resolve, 100));
    fixture.child.kill('SIGTERM');
    expect((await slow).status).toBe(200);
    expect(await fixture.exited).toEqual({ code: 0, signal: null });
    expect(fixture.stderr()).toContain('faas shutdown ran');
  });

  it('writes context.log lines through the runtime logger at FUNC_LOG_LEVEL', async () => {
    fixture = startFixture('adapters/faas-http', { env: { FUNC_LOG_LEVEL: 'info' } });
    const port = await fixture.port;
    await get(port, '/');
    await fixture.waitForOutput(/"level":"info","msg":"invoked with GET"/);
  });
});
