// The bench file (thaw.bench.json, schema version 1): what a user writes, and the validated plan
// the harness runs. Unknown keys are errors, so a typo never silently changes a benchmark.
import { isAbsolute, resolve } from 'node:path';
import {
  type BenchFileContainer,
  type ContainerVariantSpec,
  describeImageSource,
  parseContainerVariant,
} from './container-variant.ts';
import { type BenchOptions, benchFileOptionKeys, parseOptions } from './options.ts';
import {
  type FieldContext,
  checkKeys,
  fail,
  integerAtLeast,
  isRecord,
  nonEmptyString,
  stringArray,
  stringRecord,
} from './validate.ts';

/**
 * Version of the bench file's schema (its `version` field).
 *
 * @example
 * ```ts
 * const file = { version: benchFileVersion, variants: [{ name: 'base', command: ['node', 'a.js'] }] };
 * ```
 */
export const benchFileVersion = 1;

/** How the harness decides a fresh process is ready: port accepting, or an HTTP path answering 200. */
export type ReadyProbe = 'tcp' | { readonly http: string };

/** The first request sent once the process is ready. */
export interface FirstRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** Warm latency measured after the first response: `requests` sent by `concurrency` clients. */
export interface SteadySpec {
  readonly requests: number;
  readonly concurrency: number;
}

/** One variant as written in a bench file. */
export interface BenchFileVariant {
  readonly name: string;
  readonly baseline?: boolean;
  /** The command and its arguments; `"node"` as the first word means the Node running the harness. */
  readonly command?: readonly string[];
  /** Instead of `command`: a script run by the harness's Node, with `nodeFlags` before it. */
  readonly entry?: string;
  readonly nodeFlags?: readonly string[];
  /** Working directory, relative to the bench file. */
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly ready?: ReadyProbe;
  readonly request?: {
    readonly method?: string;
    readonly path?: string;
    readonly headers?: Readonly<Record<string, string>>;
    readonly body?: string;
  };
  readonly steady?: { readonly requests?: number; readonly concurrency?: number };
  /** Instead of `command`: run an image or a Knative Service manifest as a container. */
  readonly container?: BenchFileContainer;
}

/** A bench file: schema version, the options a file may set, variants. */
export interface BenchFile extends Pick<BenchOptions, (typeof benchFileOptionKeys)[number]> {
  readonly version: 1;
  readonly variants: readonly BenchFileVariant[];
}

/** A validated variant, ready to run. */
export interface VariantSpec {
  readonly name: string;
  readonly baseline: boolean;
  /** `command[0] === 'node'` is replaced by the harness's own Node binary at spawn. */
  readonly command: readonly string[];
  /** Absolute working directory. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly ready: ReadyProbe;
  readonly request: FirstRequest;
  readonly steady?: SteadySpec;
  /** Present for a container variant (then `command` only describes it). */
  readonly container?: ContainerVariantSpec;
}

/** What a bench file resolves to: variants (exactly one baseline) and the options it sets. */
export interface BenchPlan {
  readonly variants: readonly VariantSpec[];
  readonly options: BenchOptions;
}

/**
 * Typed identity helper for `thaw.bench.ts` / `thaw.bench.js` files.
 *
 * @example
 * ```ts
 * export default defineBench({
 *   version: 1,
 *   variants: [{ name: 'base', baseline: true, command: ['node', 'hello.mjs'] }],
 * });
 * ```
 */
export function defineBench(file: BenchFile): BenchFile {
  return file;
}

const variantKeys = [
  'name',
  'baseline',
  'command',
  'entry',
  'nodeFlags',
  'cwd',
  'env',
  'ready',
  'request',
  'steady',
  'container',
];
const namePattern = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const methodPattern = /^[A-Z]+$/;

function parseReady(value: unknown, path: string, ctx: FieldContext): ReadyProbe {
  if (value === 'tcp') return 'tcp';
  if (isRecord(value)) {
    checkKeys(value, ['http'], path, ctx);
    const http = value.http;
    if (typeof http !== 'string' || !http.startsWith('/'))
      fail(`${path}.http`, http, 'a path starting with "/"', ctx);
    return { http };
  }
  return fail(path, value, '"tcp" or { "http": "/path" }', ctx);
}

function parseRequest(value: unknown, path: string, ctx: FieldContext): FirstRequest {
  if (value === undefined) return { method: 'GET', path: '/', headers: {} };
  if (!isRecord(value)) fail(path, value, 'an object { method, path, headers, body }', ctx);
  checkKeys(value, ['method', 'path', 'headers', 'body'], path, ctx);
  const method = value.method ?? 'GET';
  if (typeof method !== 'string' || !methodPattern.test(method)) {
    fail(`${path}.method`, method, 'an upper-case HTTP method such as "GET"', ctx);
  }
  const target = value.path ?? '/';
  if (typeof target !== 'string' || !target.startsWith('/'))
    fail(`${path}.path`, target, 'a path starting with "/"', ctx);
  const headers = value.headers === undefined ? {} : stringRecord(value.headers, `${path}.headers`, ctx);
  if (value.body !== undefined && typeof value.body !== 'string')
    fail(`${path}.body`, value.body, 'a string', ctx);
  return { method, path: target, headers, ...(value.body === undefined ? {} : { body: value.body }) };
}

function parseSteady(value: unknown, path: string, ctx: FieldContext): SteadySpec {
  if (!isRecord(value)) fail(path, value, 'an object { requests, concurrency }', ctx);
  checkKeys(value, ['requests', 'concurrency'], path, ctx);
  const requests = integerAtLeast(value.requests ?? 200, 1, `${path}.requests`, ctx);
  const concurrency = integerAtLeast(value.concurrency ?? 1, 1, `${path}.concurrency`, ctx);
  if (concurrency > requests) fail(`${path}.concurrency`, concurrency, `at most requests (${requests})`, ctx);
  return { requests, concurrency };
}

function parseVariant(value: unknown, path: string, baseDir: string, ctx: FieldContext): VariantSpec {
  if (!isRecord(value)) fail(path, value, 'an object describing a variant', ctx);
  checkKeys(value, variantKeys, path, ctx);
  const name = nonEmptyString(value.name, `${path}.name`, ctx);
  if (!namePattern.test(name)) fail(`${path}.name`, name, 'letters, digits, ".", "_", "+" or "-"', ctx);
  if (value.baseline !== undefined && typeof value.baseline !== 'boolean') {
    fail(`${path}.baseline`, value.baseline, 'true or false', ctx);
  }
  let command: string[];
  let container: ContainerVariantSpec | undefined;
  if (value.container !== undefined) {
    for (const key of ['command', 'entry', 'nodeFlags', 'cwd', 'steady', 'ready'] as const) {
      if (value[key] !== undefined)
        fail(`${path}.${key}`, value[key], `no ${key} in a container variant`, ctx);
    }
    if (value.env !== undefined)
      fail(`${path}.env`, value.env, 'no env here: a container variant sets container.env', ctx);
    container = parseContainerVariant(value.container, `${path}.container`, baseDir, ctx);
    command = ['podman', 'run', describeImageSource(container.source)];
  } else if (value.command !== undefined) {
    if (value.entry !== undefined) fail(`${path}.entry`, value.entry, 'no entry when command is given', ctx);
    if (value.nodeFlags !== undefined)
      fail(`${path}.nodeFlags`, value.nodeFlags, 'no nodeFlags when command is given', ctx);
    command = stringArray(value.command, `${path}.command`, ctx, true);
    if (command[0] === '') fail(`${path}.command[0]`, '', 'a program name', ctx);
  } else if (value.entry !== undefined) {
    const entry = nonEmptyString(value.entry, `${path}.entry`, ctx);
    const flags =
      value.nodeFlags === undefined ? [] : stringArray(value.nodeFlags, `${path}.nodeFlags`, ctx, false);
    command = ['node', ...flags, entry];
  } else {
    return fail(`${path}.command`, undefined, 'a non-empty array of strings (or an entry)', ctx);
  }
  const cwdText = value.cwd === undefined ? '.' : nonEmptyString(value.cwd, `${path}.cwd`, ctx);
  const env = value.env === undefined ? {} : stringRecord(value.env, `${path}.env`, ctx);
  if (Object.hasOwn(env, 'PORT'))
    fail(`${path}.env.PORT`, env.PORT, 'no PORT: the harness sets it to a free port', ctx);
  return {
    name,
    baseline: value.baseline === true,
    command,
    cwd: isAbsolute(cwdText) ? cwdText : resolve(baseDir, cwdText),
    env,
    ready: value.ready === undefined ? 'tcp' : parseReady(value.ready, `${path}.ready`, ctx),
    request: parseRequest(value.request, `${path}.request`, ctx),
    ...(value.steady === undefined ? {} : { steady: parseSteady(value.steady, `${path}.steady`, ctx) }),
    ...(container === undefined ? {} : { container }),
  };
}

/**
 * Makes exactly one variant the baseline: the one marked `baseline`, else the first.
 * Throws when names repeat or more than one is marked.
 */
export function settleVariants(
  variants: readonly VariantSpec[],
  path: string,
  ctx: FieldContext,
): VariantSpec[] {
  if (variants.length === 0) fail(path, [], 'at least one variant', ctx);
  const seen = new Set<string>();
  variants.forEach((v, i) => {
    if (seen.has(v.name)) fail(`${path}[${i}].name`, v.name, 'a name not used by another variant', ctx);
    seen.add(v.name);
  });
  const marked = variants.filter((v) => v.baseline);
  if (marked.length > 1) {
    const second = variants.findIndex(
      (v, i) => v.baseline && i !== variants.indexOf(marked[0] as VariantSpec),
    );
    fail(`${path}[${second}].baseline`, true, 'one baseline at most', ctx);
  }
  const baselineIndex = marked.length === 1 ? variants.indexOf(marked[0] as VariantSpec) : 0;
  return variants.map((v, i) => ({ ...v, baseline: i === baselineIndex }));
}

/**
 * Validates a bench file's content. `baseDir` is the bench file's folder (variants' `cwd` is
 * relative to it); `source` names the file in error messages.
 *
 * @example
 * ```ts
 * const plan = parseBenchFile(JSON.parse(text), { baseDir: '/srv/bench', source: 'thaw.bench.json' });
 * ```
 */
export function parseBenchFile(
  value: unknown,
  where: { readonly baseDir: string; readonly source?: string },
): BenchPlan {
  const ctx: FieldContext = where.source === undefined ? {} : { source: where.source };
  if (!isRecord(value)) fail('bench file', value, 'an object with "version" and "variants"', ctx);
  checkKeys(value, ['$schema', 'version', 'variants', ...benchFileOptionKeys], '', ctx);
  if (value.version !== benchFileVersion) fail('version', value.version, `${benchFileVersion}`, ctx);
  if (!Array.isArray(value.variants) || value.variants.length === 0) {
    fail('variants', value.variants, 'a non-empty array of variants', ctx);
  }
  const variants = value.variants.map((v: unknown, i) =>
    parseVariant(v, `variants[${i}]`, where.baseDir, ctx),
  );
  const options = parseOptions(value, ctx);
  if (options.sloFloor !== undefined && !variants.some((v) => v.name === options.sloFloor))
    fail(
      'sloFloor',
      options.sloFloor,
      `the name of a variant (${variants.map((v) => v.name).join(', ')})`,
      ctx,
    );
  return { variants: settleVariants(variants, 'variants', ctx), options };
}
