// Which package a sampled frame's code belongs to. A script with a source map (a bundle from
// `thaw slim`, the runtime's own dist) is read through it: the frame's function start maps to
// the original file, and the file to its package. Maps are read lazily, once per script, only
// when the module-load spans are built after the first response.
import type * as NodeFs from 'node:fs';
import type { SourceMap, SourceMapPayload } from 'node:module';

// Builtins taken when first used, not imported: this file is part of the tracing module, which
// loads whether module spans are on or not, and ES imports of builtins build their namespaces.
const fs = (): typeof NodeFs => process.getBuiltinModule('node:fs');
const path = process.getBuiltinModule('node:path');
const dirname = (file: string): string => path.dirname(file);
const join = (...parts: string[]): string => path.join(...parts);
const resolve = (...parts: string[]): string => path.resolve(...parts);
const fileURLToPath = (url: string): string => process.getBuiltinModule('node:url').fileURLToPath(url);

const mappingComment = /\/[/*][#@]\s*sourceMappingURL=([^\s*]+)\s*(?:\*\/\s*)?$/;
const lastPackageInPath = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/;
/** How much of a script's end is read to find its `sourceMappingURL` comment. */
const tailBytes = 4096;

function readTail(file: string): string | undefined {
  const { closeSync, fstatSync, openSync, readSync } = fs();
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size, tailBytes);
    const bytes = Buffer.alloc(length);
    readSync(fd, bytes, 0, length, size - length);
    return bytes.toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function loadMap(file: string): SourceMap | undefined {
  const target = mappingComment.exec(readTail(file)?.trimEnd() ?? '')?.[1];
  if (target === undefined) return undefined;
  try {
    let text: string;
    if (target.startsWith('data:')) {
      const comma = target.indexOf(',');
      const data = target.slice(comma + 1);
      text = target.slice(0, comma).endsWith(';base64')
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeURIComponent(data);
    } else {
      text = fs().readFileSync(resolve(dirname(file), target), 'utf8');
    }
    const { SourceMap } = process.getBuiltinModule('node:module');
    return new SourceMap(JSON.parse(text) as SourceMapPayload);
  } catch {
    return undefined;
  }
}

function packageJsonName(file: string): string | undefined {
  try {
    const { name } = JSON.parse(fs().readFileSync(file, 'utf8')) as { name?: unknown };
    return typeof name === 'string' && name !== '' ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Names the package of code positions, caching source maps per script and package names per
 * folder.
 *
 * @example
 * ```ts
 * new ScriptSources().packageAt('file:///app/index.js', 0, 1234); // 'pg'
 * ```
 */
export class ScriptSources {
  readonly #maps = new Map<string, SourceMap | undefined>();
  readonly #names = new Map<string, string | undefined>();

  /**
   * The package owning the code at `line`/`column` (0-based) of the script at `url`: the name
   * after the last `node_modules` folder of the original file's path, else the name in the
   * nearest `package.json` above it (the function's own code, and a bundle's top level), else
   * undefined (Node's own code).
   */
  packageAt(url: string, line: number, column: number): string | undefined {
    const script = url.startsWith('file://') ? fileURLToPath(url) : url.startsWith('/') ? url : undefined;
    if (script === undefined) return undefined;
    // A script's top level (line 0, column 0) is the script itself: in a bundle it runs the
    // top-level code of every module the bundler hoisted into it, which no one package owns.
    const file = line === 0 && column === 0 ? script : this.#originalFile(script, line, column);
    return lastPackageInPath.exec(file)?.[1] ?? this.#nameAbove(dirname(file));
  }

  /** Scripts whose source map was looked for, and whether one was found. */
  scripts(): ReadonlyMap<string, boolean> {
    return new Map([...this.#maps].map(([file, map]) => [file, map !== undefined]));
  }

  #originalFile(script: string, line: number, column: number): string {
    if (!this.#maps.has(script)) this.#maps.set(script, loadMap(script));
    const map = this.#maps.get(script);
    if (map === undefined || line < 0) return script;
    const source = (map.findEntry(line, Math.max(0, column)) as { originalSource?: string }).originalSource;
    if (source === undefined || source === '') return script;
    return source.startsWith('file://') ? fileURLToPath(source) : resolve(dirname(script), source);
  }

  #nameAbove(dir: string): string | undefined {
    const passed: string[] = [];
    let found: string | undefined;
    for (let current = dir; ; current = dirname(current)) {
      if (this.#names.has(current)) {
        found = this.#names.get(current);
        break;
      }
      passed.push(current);
      // Nameless manifests (`{"type":"module"}` in a package's dist/esm) are passed over.
      found = packageJsonName(join(current, 'package.json'));
      if (found !== undefined || dirname(current) === current) break;
    }
    for (const dir of passed) this.#names.set(dir, found);
    return found;
  }
}
