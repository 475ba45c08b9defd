import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gzipFixed } from './gzip.ts';

describe('gzipFixed', () => {
  it('writes a gzip member any gunzip reads, with no timestamp and OS "unknown" in the header', () => {
    const data = Buffer.from('layer bytes '.repeat(1000));
    const gz = gzipFixed(data, 9);
    expect(gunzipSync(gz).equals(data)).toBe(true);
    expect([...gz.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    expect(gzipFixed(data, 9).equals(gz)).toBe(true);
  });
});
