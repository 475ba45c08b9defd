import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { get, startFixture, type FixtureProcess } from '../support/fixture-process.ts';

const fixtureFile = join(import.meta.dirname, '..', 'fixtures', 'adapters', 'faas-cloudevent.cjs');

describe('a faas-js-runtime CloudEvents function (CommonJS) served by thaw', () => {
  let fixture: FixtureProcess | undefined;
  afterEach(async () => {
    await fixture?.stop();
  });

  it('calls handle(context, event) for binary and structured events and replies with the returned SDK CloudEvent in binary mode', async () => {
    fixture = startFixture(fixtureFile);
    const port = await fixture.port;
    const binary = await get(port, '/', {
      method: 'POST',
      headers: {
        'ce-specversion': '1.0',
        'ce-id': 'e-1',
        'ce-type': 'com.example.ping',
        'ce-source': '/test',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ n: 1 }),
    });
    expect(binary.status).toBe(200);
    expect(binary.headers['ce-type']).toBe('function.response');
    expect(binary.headers['ce-source']).toBe('function');
    expect(binary.headers['ce-id']).toMatch(/./);
    expect(JSON.parse(binary.body)).toEqual({
      message: 'OK',
      received: { n: 1 },
      receivedType: 'com.example.ping',
      from: '/test',
    });
    const structured = await get(port, '/', {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({
        specversion: '1.0',
        id: 'e-2',
        type: 'com.example.s',
        source: '/s',
        data: { n: 2 },
      }),
    });
    expect(JSON.parse(structured.body)).toMatchObject({ received: { n: 2 }, receivedType: 'com.example.s' });
    const built = await get(port, '/', {
      method: 'POST',
      headers: {
        'ce-specversion': '1.0',
        'ce-id': 'e-3',
        'ce-type': 'test.builder',
        'ce-source': '/b',
        'content-type': 'application/json',
      },
      body: '"x"',
    });
    expect([built.headers['ce-type'], built.headers['ce-source'], JSON.parse(built.body)]).toEqual([
      'test.built',
      '/builder',
      { echoed: 'x' },
    ]);
  });

  it('answers 400 for an event missing a required attribute and a plain request reaches handle without an event', async () => {
    fixture = startFixture(fixtureFile);
    const port = await fixture.port;
    const invalid = await get(port, '/', {
      method: 'POST',
      headers: {
        'ce-specversion': '1.0',
        'ce-type': 't',
        'ce-source': '',
        'content-type': 'application/json',
      },
      body: '{}',
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toContain('not a valid CloudEvent');
    const plain = await get(port, '/');
    expect([plain.status, plain.body]).toEqual([400, 'expected an event']);
  });
});
