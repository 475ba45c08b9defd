// Maps a position in bundled code back to the file it came from, through the bundle's source map
// (a linked `.map` file or an inline data URL), with Node's own source map reader. Each script is
// read once; a script without a map maps to itself.
import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const mappingComment = /\/[/*][#@]\s*sourceMappingURL=([^\s*]+)\s*(?:\*\/\s*)?$/;

function loadMap(file: string): SourceMap | undefined {
  let code: string;
  try {
    code = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const tail = code.slice(Math.max(0, code.length - 4096)).trimEnd();
  const match = mappingComment.exec(tail);
  if (match === null) return undefined;
  const target = match[1] as string;
  try {
    let payload: SourceMapPayload;
    if (target.startsWith('data:')) {
      const comma = target.indexOf(',');
      const data = target.slice(comma + 1);
      const text = target.slice(0, comma).endsWith(';base64')
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeURIComponent(data);
      payload = JSON.parse(text) as SourceMapPayload;
    } else {
      payload = JSON.parse(readFileSync(resolve(dirname(file), target), 'utf8')) as SourceMapPayload;
    }
    return new SourceMap(payload);
  } catch {
    return undefined;
  }
}

/** The original files of bundled scripts, by position. */
export class SourceMapCache {
  readonly #maps = new Map<string, { map: SourceMap | undefined; dir: string }>();

  /** Absolute path of the file a profile URL points at, or undefined for Node's own code. */
  static pathOf(url: string): string | undefined {
    if (url.startsWith('file://')) return fileURLToPath(url);
    if (url.startsWith('/')) return url;
    return undefined;
  }

  /**
   * The original file behind `line`/`column` (0-based) of the script at `file`: the source the
   * map names, resolved against the map's folder, or `file` itself when it has no map.
   */
  originalFile(file: string, line: number, column: number): string {
    let entry = this.#maps.get(file);
    if (entry === undefined) {
      entry = { map: loadMap(file), dir: dirname(file) };
      this.#maps.set(file, entry);
    }
    if (entry.map === undefined || line < 0) return file;
    const found = entry.map.findEntry(line, Math.max(0, column)) as { originalSource?: string };
    const source = found.originalSource;
    if (source === undefined || source === '') return file;
    return source.startsWith('file://') ? fileURLToPath(source) : resolve(entry.dir, source);
  }

  /** Scripts that were read, and whether each had a usable source map. */
  scripts(): ReadonlyMap<string, boolean> {
    return new Map([...this.#maps].map(([file, entry]) => [file, entry.map !== undefined]));
  }
}
