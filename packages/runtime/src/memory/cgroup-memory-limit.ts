// The container's memory limit, read from the memory cgroup the process runs in: cgroup v2's
// `memory.max` (unified hierarchy) or cgroup v1's `memory/memory.limit_in_bytes`. A container
// usually sees its own cgroup at the mount's root; on a host (or without a cgroup namespace) the
// process's own cgroup, named in /proc/self/cgroup, is looked up under the mount first.
// node:fs from process.getBuiltinModule: an ES import of a builtin builds a namespace of all its
// exports at load, on the cold-start path.
const { readFileSync } = process.getBuiltinModule('node:fs');

/** Where the limit came from. */
export type MemoryLimitSource = 'cgroup-v2' | 'cgroup-v1' | 'none';

/** The memory limit the kernel enforces on this process's cgroup. */
export interface CgroupMemoryLimit {
  /** The limit in bytes; undefined when there is none (`max`, or v1's page-counter maximum). */
  readonly limitBytes: number | undefined;
  readonly source: MemoryLimitSource;
  /** The file the limit was read from, when one was found. */
  readonly file?: string;
}

/** Where to read from; injectable so the readers can be tested on fixture files. */
export interface CgroupFiles {
  /** The cgroup mount point. @default '/sys/fs/cgroup' */
  readonly root?: string;
  /** The process's cgroup membership file. @default '/proc/self/cgroup' */
  readonly selfCgroup?: string;
  /** Reads a file as text; undefined when it does not exist. @default readFileSync */
  readonly read?: (path: string) => string | undefined;
}

// cgroup v1 reports "no limit" as the page counter's maximum rounded down to a page
// (9223372036854771712 with 4 KiB pages); anything from 2^62 up is no limit in practice.
const unlimitedFromBytes = 2 ** 62;

/**
 * Reads the memory limit of the cgroup this process runs in, v2 first, then v1.
 *
 * @example
 * ```ts
 * const { limitBytes, source } = readCgroupMemoryLimit();
 * // in a container limited to 128Mi: { limitBytes: 134217728, source: 'cgroup-v1', … }
 * ```
 */
export function readCgroupMemoryLimit(files: CgroupFiles = {}): CgroupMemoryLimit {
  const root = files.root ?? '/sys/fs/cgroup';
  const read = files.read ?? readIfPresent;
  const membership = parseSelfCgroup(read(files.selfCgroup ?? '/proc/self/cgroup') ?? '');
  if (read(`${root}/cgroup.controllers`) !== undefined) {
    return readLimit(read, 'cgroup-v2', candidates(root, membership.v2, 'memory.max'), parseV2Limit);
  }
  return readLimit(
    read,
    'cgroup-v1',
    candidates(`${root}/memory`, membership.v1Memory, 'memory.limit_in_bytes'),
    parseV1Limit,
  );
}

/**
 * Parses cgroup v2's `memory.max`: `max` is no limit, otherwise a byte count.
 *
 * @example
 * ```ts
 * parseV2Limit('134217728\n'); // 134217728
 * parseV2Limit('max\n'); // undefined
 * ```
 */
export function parseV2Limit(text: string): number | undefined {
  const value = text.trim();
  if (value === 'max') return undefined;
  return parseBytes(value);
}

/**
 * Parses cgroup v1's `memory.limit_in_bytes`: a byte count, where the page counter's maximum
 * (9223372036854771712) means no limit.
 *
 * @example
 * ```ts
 * parseV1Limit('9223372036854771712\n'); // undefined
 * ```
 */
export function parseV1Limit(text: string): number | undefined {
  const bytes = parseBytes(text.trim());
  return bytes === undefined || bytes >= unlimitedFromBytes ? undefined : bytes;
}

function parseBytes(value: string): number | undefined {
  if (!/^\d+$/u.test(value)) return undefined;
  const bytes = Number(value);
  return bytes >= unlimitedFromBytes ? undefined : bytes;
}

/** The process's cgroup paths from /proc/self/cgroup (`4:memory:/a/b`, `0::/a/b`). */
function parseSelfCgroup(text: string): { v1Memory: string | undefined; v2: string | undefined } {
  let v1Memory: string | undefined;
  let v2: string | undefined;
  for (const line of text.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first === -1 || second === -1) continue;
    const controllers = line.slice(first + 1, second);
    const path = line.slice(second + 1);
    if (controllers === '' && line.slice(0, first) === '0') v2 = path;
    else if (controllers.split(',').includes('memory')) v1Memory = path;
  }
  return { v1Memory, v2 };
}

// The process's own cgroup under the mount first (a host, or a container without a cgroup
// namespace whose mount shows the whole tree), then the mount's root (a container's own cgroup).
function candidates(mount: string, path: string | undefined, file: string): string[] {
  const own = path === undefined || path === '/' ? [] : [`${mount}${path}/${file}`];
  return [...own, `${mount}/${file}`];
}

function readLimit(
  read: (path: string) => string | undefined,
  source: 'cgroup-v1' | 'cgroup-v2',
  files: readonly string[],
  parse: (text: string) => number | undefined,
): CgroupMemoryLimit {
  for (const file of files) {
    const text = read(file);
    if (text !== undefined) return { limitBytes: parse(text), source, file };
  }
  return { limitBytes: undefined, source: 'none' };
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
