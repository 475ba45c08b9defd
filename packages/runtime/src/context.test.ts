import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { contextOf, createContext, type InvocationContext } from './context.ts';

// A request whose header reads are counted: `rawHeaders` (what the context reads) and `headers`
// (the object Node builds on first access), each read of either counting once.
function fakeRequest(headers: Record<string, string>): {
  request: IncomingMessage;
  reads: () => number;
  builtHeaders: () => number;
} {
  let reads = 0;
  let built = 0;
  const rawHeaders = Object.entries(headers).flat();
  const request = {
    get headers() {
      reads += 1;
      built += 1;
      return headers;
    },
    get rawHeaders() {
      reads += 1;
      return rawHeaders;
    },
  } as unknown as IncomingMessage;
  return { request, reads: () => reads, builtHeaders: () => built };
}

const fields = { coldStart: false, cloudEvent: false, signal: new AbortController().signal, knative: {} };

describe('invocation context', () => {
  it('reads x-request-id only when the id is asked for, and keeps it', () => {
    const { request, reads } = fakeRequest({ 'x-request-id': 'req-7' });
    const ctx = createContext(request, fields);
    expect(reads()).toBe(0);
    expect(ctx.invocationId).toBe('req-7');
    expect(ctx.invocationId).toBe('req-7');
    expect(reads()).toBe(1);
    expect(contextOf(request)).toBe(ctx);
  });

  it('reads the id from rawHeaders, never request.headers, joining repeats as Node does', () => {
    const { request, builtHeaders } = fakeRequest({ 'X-Request-Id': 'req-9' });
    expect(createContext(request, fields).invocationId).toBe('req-9');
    const event = fakeRequest({ 'Ce-Id': 'e-2' });
    expect(createContext(event.request, { ...fields, cloudEvent: true }).invocationId).toBe('e-2');
    expect(builtHeaders() + event.builtHeaders()).toBe(0);
    const repeated = {
      rawHeaders: ['x-request-id', 'a', 'X-Request-Id', 'b'],
    } as unknown as IncomingMessage;
    expect(createContext(repeated, fields).invocationId).toBe('a, b');
  });

  it('draws one UUID when no header names the invocation, and ce-id only for CloudEvents', () => {
    const web = createContext(fakeRequest({ 'ce-id': 'e-1' }).request, fields);
    expect(web.invocationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(web.invocationId).toBe(web.invocationId);
    const event = createContext(fakeRequest({ 'ce-id': 'e-1' }).request, { ...fields, cloudEvent: true });
    expect(event.invocationId).toBe('e-1');
  });

  it('shows its id in JSON and lets a derived context override it', () => {
    const ctx = createContext(fakeRequest({ 'x-request-id': 'req-8' }).request, {
      ...fields,
      coldStart: true,
    });
    expect(JSON.parse(JSON.stringify(ctx))).toEqual({ coldStart: true, invocationId: 'req-8', knative: {} });
    const derived = Object.create(ctx, {
      invocationId: { value: 'other', enumerable: true },
    }) as InvocationContext;
    expect(derived.invocationId).toBe('other');
    expect(derived.coldStart).toBe(true);
    expect(derived.initializers).toBeInstanceOf(Map);
  });
});
