// gzip with a fixed header. zlib's own gzip wrapper writes the host OS into the header, so the
// same layer would hash differently on Linux and macOS; writing the header ourselves around a
// raw deflate stream keeps the bytes identical everywhere the same zlib runs.
import { Buffer } from 'node:buffer';
import { crc32, deflateRawSync } from 'node:zlib';

// ID1 ID2, CM=deflate, FLG=0, MTIME=0, XFL=0, OS=255 (unknown).
const fixedHeader = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);

/**
 * Compresses `data` as a gzip member with a header that never varies (no mtime, no name,
 * OS "unknown").
 *
 * @example
 * ```ts
 * const blob = gzipFixed(tarBytes, 9);
 * ```
 */
export function gzipFixed(data: Uint8Array, level: number): Buffer {
  const body = deflateRawSync(data, { level });
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data), 0);
  trailer.writeUInt32LE(data.byteLength % 2 ** 32, 4);
  return Buffer.concat([fixedHeader, body, trailer]);
}
