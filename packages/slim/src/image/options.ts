// Options of buildImage(), their defaults in one place, and their validation.
import { SlimConfigError } from '../errors.ts';
import { integer } from '../validators.ts';
import { ImageError } from './errors.ts';

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

/**
 * The defaults of {@link BuildImageOptions} that do not depend on the deploy folder.
 *
 * @example
 * ```ts
 * await buildImage({ tag: 'registry.example.com/checkout:1', uploadChunkBytes: defaultBuildImageOptions.uploadChunkBytes * 4 });
 * ```
 */
export const defaultBuildImageOptions = {
  deployDir: 'deploy',
  output: 'push',
  platform: 'linux/amd64',
  workDir: '/app',
  user: '65532:65532',
  insecureRegistries: [],
  uploadChunkBytes: 16 * 1024 * 1024,
  uploadConcurrency: 4,
  compressionLevel: 9,
  requestTimeoutMs: 120_000,
} as const satisfies BuildImageOptions;

/** The distroless Node base for a Node major. */
export function defaultBaseImage(nodeMajor: number): string {
  return `gcr.io/distroless/nodejs${nodeMajor}-debian12`;
}

function invalid(option: string, value: unknown, allowed: string): ImageError {
  return new ImageError(
    'THAW_IMAGE_INVALID_OPTION',
    `Option ${option} is ${JSON.stringify(value)}; expected ${allowed}.`,
  );
}

// The package's shared integer check, worded as thaw image's options are ("Option x is …").
function integerIn(option: string, value: number, min: number, max: number): number {
  try {
    return integer(min, max)(option, value);
  } catch (error) {
    if (!(error instanceof SlimConfigError)) throw error;
    throw invalid(option, value, error.allowed);
  }
}

/** Parses `uid:gid`. */
export function parseUser(value: string): { uid: number; gid: number } {
  const match = /^(\d+):(\d+)$/u.exec(value);
  if (match === null) throw invalid('user', value, 'a numeric uid:gid such as 65532:65532');
  return {
    uid: integerIn('user', Number(match[1]), 0, 0o7777777),
    gid: integerIn('user', Number(match[2]), 0, 0o7777777),
  };
}

/** The image timestamp: the option, else SOURCE_DATE_EPOCH, else 0. */
export function resolveSourceDateEpoch(
  option: number | undefined,
  env: Readonly<Record<string, string | undefined>>,
): number {
  if (option !== undefined) return integerIn('sourceDateEpochSec', option, 0, 0o77777777777);
  const raw = env['SOURCE_DATE_EPOCH'];
  if (raw === undefined || raw === '') return 0;
  if (!/^\d+$/u.test(raw)) {
    throw new ImageError(
      'THAW_IMAGE_INVALID_OPTION',
      `Environment variable SOURCE_DATE_EPOCH is ${JSON.stringify(raw)}; expected whole seconds since 1970 (for example $(git log -1 --format=%ct)).`,
    );
  }
  return integerIn('SOURCE_DATE_EPOCH', Number(raw), 0, 0o77777777777);
}

/** Checks the options whose validity does not depend on the deploy folder. */
export function validateBuildImageOptions(options: BuildImageOptions): void {
  // Typed callers cannot pass anything else, but JSON config and JavaScript callers can.
  const output: string = options.output ?? defaultBuildImageOptions.output;
  if (output !== 'push' && output !== 'oci-layout' && output !== 'tarball')
    throw invalid('output', output, '"push", "oci-layout" or "tarball"');
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
  const workDir = options.workDir ?? defaultBuildImageOptions.workDir;
  if (!workDir.startsWith('/') || workDir.split('/').includes('..'))
    throw invalid('workDir', workDir, 'an absolute path inside the image, such as /app');
  parseUser(options.user ?? defaultBuildImageOptions.user);
  integerIn(
    'uploadChunkBytes',
    options.uploadChunkBytes ?? defaultBuildImageOptions.uploadChunkBytes,
    1024,
    2 ** 31,
  );
  integerIn(
    'uploadConcurrency',
    options.uploadConcurrency ?? defaultBuildImageOptions.uploadConcurrency,
    1,
    64,
  );
  integerIn('compressionLevel', options.compressionLevel ?? defaultBuildImageOptions.compressionLevel, 1, 9);
  integerIn(
    'requestTimeoutMs',
    options.requestTimeoutMs ?? defaultBuildImageOptions.requestTimeoutMs,
    1,
    3_600_000,
  );
  if (options.entrypoint !== undefined && options.entrypoint.length === 0)
    throw invalid('entrypoint', options.entrypoint, 'a non-empty command array');
  if (options.source !== undefined && /\/\/[^/@]*@/u.test(options.source)) {
    throw new ImageError(
      'THAW_IMAGE_INVALID_OPTION',
      'Option source holds credentials (user:password@ in the URL); pass the URL without them, since it is written into the image.',
    );
  }
}
