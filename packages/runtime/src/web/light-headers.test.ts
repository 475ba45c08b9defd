import { describe, expect, it } from 'vitest';
import { LightHeaders, toNodeHeaders } from './light-headers.ts';

// Node's own class, read explicitly from the global object (the bare name may be the light one).
const NodeHeaders = globalThis.Headers;
type AnyHeaders = typeof NodeHeaders;

/** Runs `scenario` with Node's Headers and with the light one; both must give the same outcome. */
function sameAsNode(scenario: (Headers: AnyHeaders) => unknown): unknown {
  const outcome = (Headers: AnyHeaders): unknown => {
    try {
      return { value: scenario(Headers) };
    } catch (error) {
      return { threw: (error as Error).constructor.name };
    }
  };
  const expected = outcome(NodeHeaders);
  expect(outcome(LightHeaders as unknown as AnyHeaders)).toEqual(expected);
  return expected;
}

describe('light Headers, compared with Node’s', () => {
  it('treats names case-insensitively and combines repeated values with a comma', () => {
    sameAsNode((Headers) => {
      const headers = new Headers();
      headers.append('Accept', 'text/html');
      headers.append('accept', 'application/json');
      headers.set('X-One', '1');
      return [headers.get('ACCEPT'), headers.has('x-one'), headers.get('missing'), [...headers]];
    });
  });

  it('keeps each set-cookie apart in getSetCookie and iteration, combined in get', () => {
    const outcome = sameAsNode((Headers) => {
      const headers = new Headers([
        ['Set-Cookie', 'a=1; Path=/'],
        ['set-cookie', 'b=2'],
        ['x-b', '2'],
        ['x-a', '1'],
      ]);
      return [headers.getSetCookie(), headers.get('set-cookie'), [...headers.entries()], [...headers.keys()]];
    });
    expect((outcome as { value: unknown[] }).value[0]).toEqual(['a=1; Path=/', 'b=2']);
  });

  it('iterates names sorted, from a record, pairs or another Headers', () => {
    sameAsNode((Headers) => {
      const fromRecord = new Headers({ zeta: 'z', Alpha: 'a', mid: 'm' });
      const fromPairs = new Headers([...fromRecord]);
      const copy = new Headers(fromPairs);
      fromPairs.delete('mid');
      const seen: string[] = [];
      copy.forEach((value, name) => seen.push(`${name}=${value}`));
      return [[...fromRecord.values()], [...fromPairs], seen];
    });
  });

  it('trims HTTP whitespace from values and keeps inner spaces', () => {
    sameAsNode((Headers) => new Headers({ 'x-pad': ' \t padded value \t' }).get('x-pad'));
  });

  it('refuses invalid names and values with a TypeError', () => {
    for (const bad of [
      (Headers: AnyHeaders) => new Headers({ 'bad name': 'x' }),
      (Headers: AnyHeaders) => new Headers({ ok: 'line\nbreak' }),
      (Headers: AnyHeaders) => new Headers({ ok: 'nul\0' }),
      (Headers: AnyHeaders) => new Headers([['only-name']]),
      (Headers: AnyHeaders) => new Headers('x: y' as unknown as Record<string, string>),
      (Headers: AnyHeaders) => new Headers().get('bad:name'),
      (Headers: AnyHeaders) => new Headers({ ok: 'snowman ☃' }),
    ]) {
      expect(sameAsNode(bad)).toEqual({ threw: 'TypeError' });
    }
  });

  it('builds request headers from Node’s raw list, repeated values kept', () => {
    const headers = LightHeaders.fromRaw(['Host', 'example', 'X-Tag', 'a', 'x-tag', 'b', 'Cookie', 'c=1']);
    expect([...headers]).toEqual([
      ['cookie', 'c=1'],
      ['host', 'example'],
      ['x-tag', 'a, b'],
    ]);
  });

  it('gives writeHead set-cookie as a list and other names combined, from either class', () => {
    for (const Headers of [NodeHeaders, LightHeaders as unknown as AnyHeaders]) {
      const headers = new Headers({ 'content-type': 'text/plain' });
      headers.append('set-cookie', 'a=1');
      headers.append('set-cookie', 'b=2');
      headers.append('vary', 'accept');
      headers.append('vary', 'origin');
      expect(toNodeHeaders(headers)).toEqual({
        'content-type': 'text/plain',
        'set-cookie': ['a=1', 'b=2'],
        vary: 'accept, origin',
      });
    }
  });

  it('is instanceof Headers, and Node’s own are instanceof the light class', () => {
    expect(new LightHeaders() instanceof LightHeaders).toBe(true);
    expect(new NodeHeaders() instanceof LightHeaders).toBe(true);
    expect({} instanceof LightHeaders).toBe(false);
    expect(Object.prototype.toString.call(new LightHeaders())).toBe('[object Headers]');
  });
});
