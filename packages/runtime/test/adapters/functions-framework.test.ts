import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { get, startFixture, type FixtureProcess } from '../support/fixture-process.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'adapters');

describe('Functions Framework functions served by thaw', () => {
  let fixture: FixtureProcess | undefined;
  afterEach(async () => {
    await fixture?.stop();
  });

  it('serves a functions.http() registration with Express-like req.query, req.body by content type and res helpers', async () => {
    fixture = startFixture(join(fixtures, 'ff-http.cjs'));
    const port = await fixture.port;
    const hello = await get(port, '/greet?name=Ada');
    expect([hello.status, hello.body, hello.headers['x-path']]).toEqual([200, 'Hello Ada!', '/greet']);
    expect(hello.headers['content-type']).toBe('text/html; charset=utf-8');
    const json = await get(port, '/', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":[1]}',
    });
    expect(json.status).toBe(202);
    expect(JSON.parse(json.body)).toEqual({ body: { a: [1] }, kind: 'object', raw: 9 });
    const text = await get(port, '/', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hi',
    });
    expect(JSON.parse(text.body)).toEqual({ body: 'hi', kind: 'string', raw: 2 });
    const bytes = await get(port, '/', {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: 'abc',
    });
    expect(JSON.parse(bytes.body)).toMatchObject({ kind: 'buffer', raw: 3 });
    expect((await get(port, '/favicon.ico')).status).toBe(404);
    expect((await get(port, '/readyz')).status).toBe(200);
  });

  it('serves a functions.cloudEvent() registration with binary and structured events; nothing returned is a 204', async () => {
    fixture = startFixture('adapters/ff-cloudevent');
    const port = await fixture.port;
    const binary = await get(port, '/', {
      method: 'POST',
      headers: {
        'ce-specversion': '1.0',
        'ce-id': 'b-1',
        'ce-type': 'com.example.t',
        'ce-source': '/src',
        'content-type': 'application/json',
      },
      body: '{"n":5}',
    });
    expect(JSON.parse(binary.body)).toEqual({ seen: 'com.example.t', n: 5, source: '/src', id: 'b-1' });
    const structured = await get(port, '/', {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({
        specversion: '1.0',
        id: 's-1',
        type: 'com.example.s',
        source: '/s',
        data: { n: 0 },
      }),
    });
    expect(structured.status).toBe(204);
    expect((await get(port, '/')).status).toBe(405);
  });

  it('serves an exported (req, res) function chosen by FUNCTION_TARGET', async () => {
    fixture = startFixture(join(fixtures, 'ff-exported.mjs'), { env: { FUNCTION_TARGET: 'hello' } });
    const port = await fixture.port;
    const answer = await get(port, '/', { headers: { 'x-caller': 'test' } });
    expect([answer.status, answer.body, answer.headers['content-type']]).toEqual([
      200,
      'hello from test',
      'text/plain',
    ]);
  });

  it('refuses a target that is neither registered nor exported, naming the exported functions', async () => {
    fixture = startFixture(join(fixtures, 'ff-exported.mjs'), { env: { FUNCTION_TARGET: 'helo' } });
    const exited = await fixture.exited;
    expect(exited.code).not.toBe(0);
    expect(fixture.stderr()).toContain('The function target "helo" is neither registered');
    expect(fixture.stderr()).toContain('hello, other');
  });
});
