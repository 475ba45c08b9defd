// A small deterministic tar writer. Layers must hash the same for the same input on every
// machine, so nothing here reads the clock, the file owner or the host's umask: the caller
// passes every header field, and entries are written in the order given (callers sort them).
import { Buffer } from 'node:buffer';

/** One entry of a tar archive. */
export type TarEntry =
  | { readonly type: 'directory'; readonly path: string; readonly mode: number }
  | { readonly type: 'file'; readonly path: string; readonly mode: number; readonly data: Uint8Array }
  | { readonly type: 'symlink'; readonly path: string; readonly target: string };

/** Header fields shared by every entry of one archive. */
export interface TarHeaderFields {
  readonly uid: number;
  readonly gid: number;
  readonly mtimeSec: number;
}

const block = 512;
const maxOctal11 = 0o77777777777;

function writeString(header: Buffer, offset: number, length: number, value: string): void {
  header.write(value, offset, length, 'utf8');
}

function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
  // length - 1 digits, then NUL, as GNU and BSD tar write them.
  header.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length, 'ascii');
}

/** Splits a path into ustar's prefix and name fields, or undefined when it does not fit. */
function splitUstarPath(path: string): { prefix: string; name: string } | undefined {
  if (Buffer.byteLength(path) <= 100) return { prefix: '', name: path };
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name.length > 0) {
      return { prefix, name };
    }
  }
  return undefined;
}

function header(
  fields: TarHeaderFields,
  name: { prefix: string; name: string },
  typeflag: string,
  mode: number,
  size: number,
  linkname: string,
): Buffer {
  const h = Buffer.alloc(block);
  writeString(h, 0, 100, name.name);
  writeOctal(h, 100, 8, mode);
  writeOctal(h, 108, 8, fields.uid);
  writeOctal(h, 116, 8, fields.gid);
  writeOctal(h, 124, 12, size);
  writeOctal(h, 136, 12, fields.mtimeSec);
  h.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  writeString(h, 156, 1, typeflag);
  writeString(h, 157, 100, linkname);
  writeString(h, 257, 6, 'ustar\0');
  writeString(h, 263, 2, '00');
  writeString(h, 345, 155, name.prefix);
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return h;
}

function padding(size: number): Buffer {
  const rest = size % block;
  return rest === 0 ? Buffer.alloc(0) : Buffer.alloc(block - rest);
}

/** A pax record `"<len> <key>=<value>\n"`, whose length counts its own digits. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyBytes = Buffer.byteLength(body);
  let length = bodyBytes + 1;
  while (String(length).length + bodyBytes !== length) length = String(length).length + bodyBytes;
  return `${length}${body}`;
}

/**
 * Encodes entries as a POSIX tar archive (ustar headers; a pax extended header for names or
 * link targets that ustar cannot hold), ending with the two zero blocks.
 *
 * @example
 * ```ts
 * const tar = Buffer.concat([...tarChunks([{ type: 'file', path: 'app/index.js', mode: 0o644, data: code }], {
 *   uid: 65532, gid: 65532, mtimeSec: 0,
 * })]);
 * ```
 */
export function* tarChunks(entries: Iterable<TarEntry>, fields: TarHeaderFields): Generator<Uint8Array> {
  if (fields.mtimeSec < 0 || fields.mtimeSec > maxOctal11) {
    throw new RangeError(`tar mtime ${fields.mtimeSec} is outside 0..${maxOctal11} seconds`);
  }
  for (const entry of entries) {
    const path = entry.type === 'directory' && !entry.path.endsWith('/') ? `${entry.path}/` : entry.path;
    const linkname = entry.type === 'symlink' ? entry.target : '';
    const size = entry.type === 'file' ? entry.data.byteLength : 0;
    if (size > maxOctal11) throw new RangeError(`${path} is larger than the 8 GiB a tar header can hold`);
    let name = splitUstarPath(path);
    const pax: string[] = [];
    if (name === undefined) {
      pax.push(paxRecord('path', path));
      name = {
        prefix: '',
        name: Buffer.from(path)
          .subarray(0, 100)
          .toString('utf8')
          .replace(/\uFFFD+$/u, ''),
      };
    }
    let link = linkname;
    if (Buffer.byteLength(linkname) > 100) {
      pax.push(paxRecord('linkpath', linkname));
      link = '';
    }
    if (pax.length > 0) {
      const data = Buffer.from(pax.join(''));
      const paxName = `PaxHeaders/${name.name}`.slice(0, 100);
      yield header(fields, { prefix: '', name: paxName }, 'x', 0o644, data.byteLength, '');
      yield data;
      yield padding(data.byteLength);
    }
    switch (entry.type) {
      case 'directory':
        yield header(fields, name, '5', entry.mode, 0, '');
        break;
      case 'symlink':
        yield header(fields, name, '2', 0o777, 0, link);
        break;
      case 'file':
        yield header(fields, name, '0', entry.mode, size, '');
        yield entry.data;
        yield padding(size);
        break;
    }
  }
  yield Buffer.alloc(block * 2);
}
