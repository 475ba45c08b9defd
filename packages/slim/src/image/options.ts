// Every option of buildImage(), declared once: `imageOptionTable` gives each its default, its
// validator and the line the options table of docs/image.md shows, written with the helpers of
// `option-table.ts` as slim()'s options are. The defaults, the resolved type, the checks and that
// table derive from it (a test keeps the document and the JSDoc defaults in agreement). An
// unknown option name is refused with the nearest valid one. The checks that tie options
// together (an output and its path, `tag` to push) follow the per-option ones.
import { performance } from 'node:perf_hooks';
import { describeValue } from '../describe-value.ts';
import { SlimConfigError } from '../errors.ts';
import {
  checkDeclared,
  option,
  optionRows,
  plainDefaults,
  resolveDeclared,
  type ResolvedOptions,
  type TableOf,
} from '../option-table.ts';
import {
  functionOf,
  integer,
  isRecord,
  nonEmptyString,
  oneOf,
  optional,
  stringList,
  type Validator,
} from '../validators.ts';
import { ImageError } from './errors.ts';
import { parsePlatform } from './platform.ts';

/** Where the built image goes. */
export type ImageOutputKind = 'push' | 'oci-layout' | 'tarball';

/** Options of {@link buildImage}. */
export interface BuildImageOptions {
  /** The deploy folder `thaw slim --out` wrote. @default 'deploy' */
  readonly deployDir?: string;
  /**
   * The base image: a registry reference, or a local OCI layout (`oci:<dir>[:<name>]`).
   * @default `gcr.io/distroless/nodejs<major>-debian12`, with the Node major from thaw-slim.json (else the running Node's)
   */
  readonly base?: string;
  /** The image to write: `registry/repository:tag`. Required to push. @default undefined */
  readonly tag?: string;
  /** Push to the tag's registry, write an OCI layout directory, or a tar file. @default 'push' */
  readonly output?: ImageOutputKind;
  /** The OCI layout directory for output `'oci-layout'`. @default undefined */
  readonly ociLayoutDir?: string;
  /** The tar file for output `'tarball'`. @default undefined */
  readonly tarballFile?: string;
  /** `os/architecture[/variant]` to take from a multi-arch base. @default 'linux/amd64' */
  readonly platform?: string;
  /** Where the deploy folder lives in the image. @default '/app' */
  readonly workDir?: string;
  /** Numeric `uid:gid` the function runs as (distroless "nonroot"); its files stay root-owned. @default '65532:65532' */
  readonly user?: string;
  /** The image entrypoint. @default undefined (the base's entrypoint, else `['node']`) */
  readonly entrypoint?: readonly string[];
  /** Timestamp of every file and of the image, in seconds. @default the SOURCE_DATE_EPOCH variable of `env`, else 0 */
  readonly sourceDateEpochSec?: number;
  /** `org.opencontainers.image.source` annotation (a URL without credentials). @default undefined */
  readonly source?: string;
  /** `org.opencontainers.image.revision` annotation (a commit). @default undefined */
  readonly revision?: string;
  /** A Knative service.yaml to pin to the pushed digest, or false. @default `<deployDir>/knative/service.yaml` when it exists */
  readonly pinManifest?: string | false;
  /** Registries (`host:port`) reached over plain HTTP; loopback ones always are. @default [] */
  readonly insecureRegistries?: readonly string[];
  /** Blobs larger than this are uploaded in chunks of this size. @default 16777216 */
  readonly uploadChunkBytes?: number;
  /** Blobs checked or uploaded at once. @default 4 */
  readonly uploadConcurrency?: number;
  /** gzip level of the new layers, 1 to 9. @default 9 */
  readonly compressionLevel?: number;
  /** Timeout of each registry request. @default 120000 */
  readonly requestTimeoutMs?: number;
  /** Environment for credentials and SOURCE_DATE_EPOCH. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Docker's config.json. @default undefined (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`) */
  readonly dockerConfigPath?: string;
  /** The fetch to talk to registries with. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Clock for timings, in milliseconds. @default performance.now */
  readonly now?: () => number;
  /** Receives progress lines. Never receives credentials. @default a function that drops them */
  readonly log?: (line: string) => void;
}

const outputKinds = ['push', 'oci-layout', 'tarball'] as const;
const imageReference = nonEmptyString('an image reference');
const folder = nonEmptyString('a folder');
const file = nonEmptyString('a file');
const userIds = integer(0, 0o7777777);
const epochSeconds = integer(0, 0o77777777777);

const platform: Validator<string> = (name, value) => {
  parsePlatform(nonEmptyString('os/architecture[/variant], for example linux/amd64')(name, value));
  return value as string;
};

const imagePath: Validator<string> = (name, value) => {
  if (typeof value !== 'string' || !value.startsWith('/') || value.split('/').includes('..')) {
    throw new SlimConfigError(name, value, 'an absolute path inside the image, such as /app');
  }
  return value;
};

const uidGid: Validator<string> = (name, value) => {
  const match = typeof value === 'string' ? /^(\d+):(\d+)$/u.exec(value) : null;
  if (match === null) throw new SlimConfigError(name, value, 'a numeric uid:gid such as 65532:65532');
  userIds(name, Number(match[1]));
  userIds(name, Number(match[2]));
  return value as string;
};

const command: Validator<readonly string[]> = (name, value) => {
  if (!Array.isArray(value) || value.length === 0 || !value.every((part) => typeof part === 'string')) {
    throw new SlimConfigError(name, value, 'a non-empty command array');
  }
  return value;
};

// The URL is written into the image, so one holding credentials is refused without repeating it.
const sourceUrl: Validator<string> = (name, value) => {
  const url = nonEmptyString('a URL')(name, value);
  if (/\/\/[^/@]*@/u.test(url)) {
    throw new ImageError(
      'THAW_IMAGE_INVALID_OPTION',
      'Option source holds credentials (user:password@ in the URL); pass the URL without them, since it is written into the image.',
    );
  }
  return url;
};

const pinFile: Validator<string | false> = (name, value) => {
  if (value === false) return false;
  if (typeof value !== 'string' || value === '') throw new SlimConfigError(name, value, 'a file, or false');
  return value;
};

const environment: Validator<Readonly<Record<string, string | undefined>>> = (name, value) => {
  if (!isRecord(value)) throw new SlimConfigError(name, value, 'an object of environment variables');
  return value as Readonly<Record<string, string | undefined>>;
};

/**
 * Every option of {@link BuildImageOptions}, declared once, in the order docs/image.md lists
 * them. The compiler keeps it complete: an option of `BuildImageOptions` missing here does not
 * build. An option without a `default` is undefined unless given. Rows of the same kind
 * (`ociLayoutDir`, `tarballFile`) look alike on purpose: each is one option's whole declaration.
 */
export const imageOptionTable = {
  deployDir: option({
    default: 'deploy',
    validate: folder,
    doc: 'the deploy folder `thaw slim --out` wrote',
  }),
  base: option<string | undefined>({
    shownDefault: '`gcr.io/distroless/nodejs<major>-debian12`, the major from `thaw-slim.json`',
    validate: optional(imageReference),
    doc: 'base image: a registry reference, or a local OCI layout (`oci:<dir>[:<name>]`)',
  }),
  tag: option<string | undefined>({
    validate: optional(imageReference),
    doc: 'the image to write, `registry/repository:tag`; required to push',
  }),
  output: option<ImageOutputKind>({
    default: 'push',
    validate: oneOf(outputKinds),
    doc: "`'push'` to the tag's registry, `'oci-layout'` (a directory) or `'tarball'` (a tar file)",
  }),
  ociLayoutDir: option<string | undefined>({
    validate: optional(folder),
    doc: "the OCI layout directory for output `'oci-layout'`",
  }),
  tarballFile: option<string | undefined>({
    validate: optional(file),
    doc: "the tar file for output `'tarball'`",
  }),
  platform: option({
    default: 'linux/amd64',
    validate: platform,
    doc: '`os/architecture[/variant]` to take from a multi-arch base',
  }),
  workDir: option({
    default: '/app',
    validate: imagePath,
    doc: 'where the deploy folder lives in the image',
  }),
  user: option({
    default: '65532:65532',
    validate: uidGid,
    doc: 'numeric `uid:gid` the function runs as (distroless "nonroot"); its files stay root-owned',
  }),
  entrypoint: option<readonly string[] | undefined>({
    shownDefault: "the base's entrypoint, else `['node']`",
    validate: optional(command),
    doc: 'the image entrypoint',
  }),
  sourceDateEpochSec: option<number | undefined>({
    shownDefault: '`SOURCE_DATE_EPOCH` of `env`, else `0`',
    validate: optional(epochSeconds),
    doc: 'timestamp of every file and of the image, in seconds',
  }),
  source: option<string | undefined>({
    validate: optional(sourceUrl),
    doc: '`org.opencontainers.image.source` annotation (a URL without credentials)',
  }),
  revision: option<string | undefined>({
    validate: optional(nonEmptyString('a commit')),
    doc: '`org.opencontainers.image.revision` annotation (a commit)',
  }),
  pinManifest: option<string | false | undefined>({
    shownDefault: '`<deployDir>/knative/service.yaml` when it exists',
    validate: optional(pinFile),
    doc: 'a Knative `service.yaml` to pin to the pushed digest, or `false`',
  }),
  insecureRegistries: option<readonly string[]>({
    default: [],
    validate: stringList,
    doc: 'registries (`host:port`) reached over plain HTTP; loopback ones always are',
  }),
  uploadChunkBytes: option({
    default: 16 * 1024 * 1024,
    validate: integer(1024, 2 ** 31),
    doc: 'blobs larger than this are uploaded in chunks of this size',
  }),
  uploadConcurrency: option({
    default: 4,
    validate: integer(1, 64),
    doc: 'blobs checked or uploaded at once',
  }),
  compressionLevel: option({ default: 9, validate: integer(1, 9), doc: 'gzip level of the new layers' }),
  requestTimeoutMs: option({
    default: 120_000,
    validate: integer(1, 3_600_000),
    doc: 'timeout of each registry request',
  }),
  env: option<Readonly<Record<string, string | undefined>>>({
    make: () => process.env,
    shownDefault: '`process.env`',
    validate: environment,
    doc: 'environment for credentials and `SOURCE_DATE_EPOCH`',
  }),
  dockerConfigPath: option<string | undefined>({
    shownDefault: '`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`',
    validate: optional(file),
    doc: "Docker's `config.json`",
  }),
  fetch: option<typeof fetch>({
    make: () => globalThis.fetch,
    shownDefault: '`globalThis.fetch`',
    validate: functionOf('a fetch function'),
    doc: 'the fetch to talk to registries with',
  }),
  now: option<() => number>({
    make: () => () => performance.now(),
    shownDefault: '`performance.now`',
    validate: functionOf('a function returning milliseconds'),
    doc: 'clock for timings, in milliseconds',
  }),
  log: option<(line: string) => void>({
    make: () => () => undefined,
    shownDefault: 'a function that drops them',
    validate: functionOf('a function taking a line'),
    doc: 'receives progress lines; never receives credentials',
  }),
} as const satisfies TableOf<BuildImageOptions>;

/** buildImage()'s options with every default applied and every value checked. */
export type ResolvedBuildImageOptions = ResolvedOptions<typeof imageOptionTable>;

/** The options whose default is a plain value: never undefined, not built at call time. */
type DefaultedOption = Exclude<
  {
    [K in keyof ResolvedBuildImageOptions]: undefined extends ResolvedBuildImageOptions[K] ? never : K;
  }[keyof ResolvedBuildImageOptions],
  'env' | 'fetch' | 'now' | 'log'
>;

/**
 * The defaults of {@link BuildImageOptions} that do not depend on the deploy folder, taken from
 * the declaration.
 *
 * @example
 * ```ts
 * await buildImage({ tag: 'registry.example.com/checkout:1', uploadChunkBytes: defaultBuildImageOptions.uploadChunkBytes * 4 });
 * ```
 */
export const defaultBuildImageOptions = plainDefaults(imageOptionTable) as {
  readonly [K in DefaultedOption]: ResolvedBuildImageOptions[K];
};

/** The rows of docs/image.md's options table, `[option, default, what]`, as the declaration says them. */
export function imageOptionRows(): Array<[string, string, string]> {
  return optionRows(imageOptionTable);
}

/** The distroless Node base for a Node major. */
export function defaultBaseImage(nodeMajor: number): string {
  return `gcr.io/distroless/nodejs${nodeMajor}-debian12`;
}

function invalid(option: string, value: unknown, allowed: string, hint?: string): ImageError {
  return new ImageError(
    'THAW_IMAGE_INVALID_OPTION',
    `Option ${option} is ${describeValue(value)}; expected ${allowed}.${hint === undefined ? '' : ` ${hint}`}`,
  );
}

// The package's shared checks, worded as thaw image's errors are ("Option x is …").
function asImageError<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof SlimConfigError)) throw error;
    throw invalid(error.option, error.received, error.allowed, error.hint);
  }
}

/** Parses `uid:gid`. */
export function parseUser(value: string): { uid: number; gid: number } {
  asImageError(() => uidGid('user', value));
  const [uid, gid] = value.split(':').map(Number) as [number, number];
  return { uid, gid };
}

/** The image timestamp: the option, else SOURCE_DATE_EPOCH, else 0. */
export function resolveSourceDateEpoch(
  option: number | undefined,
  env: Readonly<Record<string, string | undefined>>,
): number {
  if (option !== undefined) return asImageError(() => epochSeconds('sourceDateEpochSec', option));
  const raw = env['SOURCE_DATE_EPOCH'];
  if (raw === undefined || raw === '') return 0;
  if (!/^\d+$/u.test(raw)) {
    throw new ImageError(
      'THAW_IMAGE_INVALID_OPTION',
      `Environment variable SOURCE_DATE_EPOCH is ${JSON.stringify(raw)}; expected whole seconds since 1970 (for example $(git log -1 --format=%ct)).`,
    );
  }
  return asImageError(() => epochSeconds('SOURCE_DATE_EPOCH', Number(raw)));
}

/**
 * Checks the options whose validity does not depend on the deploy folder: unknown names are
 * refused with the nearest valid one, each value with its option's validator, then the options
 * that go together.
 *
 * @example
 * ```ts
 * validateBuildImageOptions({ output: 'oci-layout', ociLayoutDir: 'out/layout' });
 * ```
 */
export function validateBuildImageOptions(options: BuildImageOptions): void {
  // Typed callers cannot pass anything else, but JSON config and JavaScript callers can.
  const given = asImageError(() => checkDeclared(imageOptionTable, options, Object.keys(imageOptionTable)));
  const output = (given['output'] as ImageOutputKind | undefined) ?? defaultBuildImageOptions.output;
  if (output === 'push' && options.tag === undefined)
    throw invalid('tag', options.tag, 'the registry/repository:tag to push to (--tag)');
  if (output === 'oci-layout' && options.ociLayoutDir === undefined)
    throw invalid(
      'ociLayoutDir',
      options.ociLayoutDir,
      'a directory for the OCI layout (--oci-layout <dir>)',
    );
  if (output === 'tarball' && options.tarballFile === undefined)
    throw invalid('tarballFile', options.tarballFile, 'a file for the image tar (--tarball <file>)');
}

/**
 * Checks the options ({@link validateBuildImageOptions}) and applies the defaults under them.
 *
 * @example
 * ```ts
 * resolveBuildImageOptions({ output: 'tarball', tarballFile: 'out/image.tar' }).workDir; // '/app'
 * ```
 */
export function resolveBuildImageOptions(options: BuildImageOptions): ResolvedBuildImageOptions {
  validateBuildImageOptions(options);
  const given = options as Record<string, unknown>;
  return resolveDeclared(imageOptionTable, (name) => given[name]) as ResolvedBuildImageOptions;
}
