import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { joinedRawHeader, rawHeader } from './raw-headers.ts';

const request = (rawHeaders: string[]): IncomingMessage => ({ rawHeaders }) as unknown as IncomingMessage;

describe('rawHeader', () => {
  it('finds a header whatever the case it was sent in, first value first', () => {
    const raw = ['Host', 'a', 'X-Thaw-Warmup', '1', 'x-thaw-warmup', '0'];
    expect(rawHeader(request(raw), 'x-thaw-warmup')).toBe('1');
    expect(rawHeader(request(raw), 'host')).toBe('a');
  });

  it('is undefined for a header that was not sent, even one with a name of the same length', () => {
    expect(rawHeader(request(['x-thaw-warmuq', '1']), 'x-thaw-warmup')).toBeUndefined();
    expect(rawHeader(request([]), 'content-length')).toBeUndefined();
  });
});

describe('joinedRawHeader', () => {
  it('joins every value of a header with ", ", whatever the case of its name, as request.headers does', () => {
    const raw = ['X-Request-Id', 'a', 'host', 'h', 'x-request-id', 'b'];
    expect(joinedRawHeader(request(raw), 'x-request-id')).toBe('a, b');
    expect(joinedRawHeader(request(raw), 'host')).toBe('h');
    expect(joinedRawHeader(request(raw), 'x-request-ie')).toBeUndefined();
  });

  it('keeps an empty value, which is not an absent header', () => {
    expect(joinedRawHeader(request(['x-request-id', '']), 'x-request-id')).toBe('');
  });
});
