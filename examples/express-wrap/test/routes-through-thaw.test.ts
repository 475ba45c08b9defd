import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, startFunction, type FunctionProcess } from '../../../test/support/function-process.ts';

const entry = join(import.meta.dirname, '..', 'src', 'server.ts');
const json = { 'content-type': 'application/json' };

describe('the Express app served through thaw', () => {
  let fn: FunctionProcess;

  beforeAll(async () => {
    fn = await startFunction([entry]);
  });

  afterAll(async () => {
    await fn.stop();
  });

  it('answers GET with the seeded catalogue and a single item', async () => {
    const all = await send(fn.port, { path: '/items' });
    expect(all.status).toBe(200);
    expect(JSON.parse(all.body)).toContainEqual({ id: 'tea', name: 'Green tea', priceCents: 450 });
    const one = await send(fn.port, { path: '/items/tea' });
    expect(one.status).toBe(200);
    expect(one.headers['x-powered-by']).toBeUndefined();
    expect(JSON.parse(one.body)).toEqual({ id: 'tea', name: 'Green tea', priceCents: 450 });
  });

  it('stores a POSTed item and serves it afterwards', async () => {
    const item = { id: 'cake', name: 'Lemon cake', priceCents: 380 };
    const created = await send(fn.port, {
      method: 'POST',
      path: '/items',
      headers: json,
      body: JSON.stringify(item),
    });
    expect(created.status).toBe(201);
    expect(JSON.parse(created.body)).toEqual(item);
    expect(JSON.parse((await send(fn.port, { path: '/items/cake' })).body)).toEqual(item);
  });

  it('answers 404 for an unknown item and 400 for an invalid one', async () => {
    const missing = await send(fn.port, { path: '/items/nothing' });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toEqual({ error: 'no item nothing' });
    const invalid = await send(fn.port, {
      method: 'POST',
      path: '/items',
      headers: json,
      body: JSON.stringify({ id: 'x', name: 'X', priceCents: 1.5 }),
    });
    expect(invalid.status).toBe(400);
    expect((JSON.parse(invalid.body) as { error: string }).error).toContain('priceCents');
  });

  it('answers 400 from Express’s own error handler for a body that is not JSON', async () => {
    const answer = await send(fn.port, { method: 'POST', path: '/items', headers: json, body: '{"id": ' });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toHaveProperty('error');
    // The process survives a bad request.
    expect((await send(fn.port, { path: '/items/tea' })).status).toBe(200);
  });

  it('answers thaw’s health and readiness paths before Express sees them', async () => {
    expect(JSON.parse((await send(fn.port, { path: '/healthz' })).body)).toEqual({ status: 'ok' });
    expect(JSON.parse((await send(fn.port, { path: '/readyz' })).body)).toEqual({ status: 'ready' });
  });
});
