// A variant that runs as a container: an image (a registry reference or an OCI layout) or a
// Knative Service manifest, which then drives the run (image, env, containerPort, readiness
// probe, containerConcurrency, resources.limits). What a local run must change (in-cluster hosts
// such as postgres:5432, the manifest's limits, a registry name it cannot pull) is overridden
// per variant on top. Limits map to `--cpus` / `--memory`.
import { isAbsolute, resolve } from 'node:path';
import { type KnativeProbe } from './knative/prober.ts';
import { parseCpu, parseMemory, readServiceManifest } from './knative/service-manifest.ts';
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

/** A container variant's `container` object, as written in a bench file. */
export interface BenchFileContainer {
  /**
   * The image: a registry reference (`127.0.0.1:5000/fn:1`) or an OCI layout (`oci:out/layout:fn`,
   * relative to the bench file). Overrides the manifest's image when both are given.
   */
  readonly image?: string;
  /** A Knative Service manifest (`knative/service.yaml`), relative to the bench file. */
  readonly service?: string;
  /** Set on top of the manifest's env. */
  readonly env?: Readonly<Record<string, string>>;
  /** Override the manifest's `resources.limits`, in Kubernetes units (`"500m"`, `"128Mi"`). */
  readonly limits?: { readonly cpu?: string | number; readonly memory?: string | number };
  /** Override the manifest's readiness probe; `"tcp"` when the image has no readiness endpoint. */
  readonly readinessProbe?: 'tcp' | { readonly httpGet: { readonly path: string } };
  readonly containerConcurrency?: number;
  /** Run with a read-only root filesystem, as a restricted pod does. @default true */
  readonly readOnlyRootFilesystem?: boolean;
  /** Paths mounted as a fresh tmpfs, as an in-memory `emptyDir` is. @default ["/tmp"] */
  readonly tmpfs?: readonly string[];
}

/** Where a container variant's image comes from. */
export type ImageSource =
  | { readonly kind: 'registry'; readonly reference: string }
  | { readonly kind: 'oci-layout'; readonly dir: string; readonly tag: string };

/** A validated container variant. */
export interface ContainerVariantSpec {
  readonly source: ImageSource;
  /** The manifest the settings came from (absolute), when one was named. */
  readonly service?: string;
  readonly env: Readonly<Record<string, string>>;
  /** CPU limit in cores; undefined: no limit. */
  readonly cpus?: number;
  readonly memoryBytes?: number;
  readonly probe: KnativeProbe;
  readonly successThreshold: number;
  readonly containerConcurrency: number;
  readonly readOnly: boolean;
  readonly tmpfs: readonly string[];
}

const containerKeys = [
  'image',
  'service',
  'env',
  'limits',
  'readinessProbe',
  'containerConcurrency',
  'readOnlyRootFilesystem',
  'tmpfs',
];

/**
 * Parses an image reference: `oci:<dir>[:<tag>]` (an OCI layout, `dir` relative to `baseDir`) or
 * a registry reference.
 *
 * @example
 * ```ts
 * parseImageSource('oci:out/layout:thaw', '/srv/bench'); // { kind: 'oci-layout', dir: '/srv/bench/out/layout', tag: 'thaw' }
 * ```
 */
export function parseImageSource(text: string, baseDir: string): ImageSource {
  if (text.startsWith('oci:')) {
    const rest = text.slice(4);
    const colon = rest.lastIndexOf(':');
    const [dir, tag] = colon > 0 ? [rest.slice(0, colon), rest.slice(colon + 1)] : [rest, 'latest'];
    return { kind: 'oci-layout', dir: isAbsolute(dir) ? dir : resolve(baseDir, dir), tag };
  }
  return { kind: 'registry', reference: text.startsWith('docker://') ? text.slice(9) : text };
}

function parseProbe(value: unknown, path: string, ctx: FieldContext): KnativeProbe {
  if (value === 'tcp') return { tcpSocket: true };
  if (isRecord(value) && isRecord(value.httpGet) && typeof value.httpGet.path === 'string') {
    checkKeys(value, ['httpGet'], path, ctx);
    if (!value.httpGet.path.startsWith('/'))
      fail(`${path}.httpGet.path`, value.httpGet.path, 'a path starting with "/"', ctx);
    return { httpGet: { path: value.httpGet.path } };
  }
  return fail(path, value, '"tcp" or { "httpGet": { "path": "/readyz" } }', ctx);
}

/**
 * Validates a variant's `container` object; a named manifest is read now, so a bad one fails
 * before any run.
 *
 * @example
 * ```ts
 * const spec = parseContainerVariant({ service: 'deploy/knative/service.yaml', limits: { cpu: '500m' } }, 'variants[0].container', '/srv', {});
 * ```
 */
export function parseContainerVariant(
  value: unknown,
  path: string,
  baseDir: string,
  ctx: FieldContext,
): ContainerVariantSpec {
  if (!isRecord(value)) fail(path, value, 'an object { image | service, env, limits, … }', ctx);
  checkKeys(value, containerKeys, path, ctx);
  if (value.image === undefined && value.service === undefined)
    fail(`${path}.image`, undefined, 'an image reference or a service manifest', ctx);
  const service =
    value.service === undefined
      ? undefined
      : resolve(baseDir, nonEmptyString(value.service, `${path}.service`, ctx));
  const manifest = service === undefined ? undefined : readServiceManifest(service);
  const imageText =
    value.image === undefined ? manifest?.image : nonEmptyString(value.image, `${path}.image`, ctx);
  const source = parseImageSource(imageText ?? '', baseDir);
  const env = {
    ...manifest?.env,
    ...(value.env === undefined ? {} : stringRecord(value.env, `${path}.env`, ctx)),
  };
  if (isRecord(value.env) && Object.hasOwn(value.env, 'PORT'))
    fail(`${path}.env.PORT`, env.PORT, 'no PORT: the harness sets it to a free port', ctx);
  let cpus = manifest?.cpus;
  let memoryBytes = manifest?.memoryBytes;
  if (value.limits !== undefined) {
    if (!isRecord(value.limits)) fail(`${path}.limits`, value.limits, 'an object { cpu, memory }', ctx);
    checkKeys(value.limits, ['cpu', 'memory'], `${path}.limits`, ctx);
    const { cpu, memory } = value.limits;
    if (cpu !== undefined) cpus = parseCpu(cpu as string, `${path}.limits.cpu`);
    if (memory !== undefined) memoryBytes = parseMemory(memory as string, `${path}.limits.memory`);
  }
  const probe =
    value.readinessProbe === undefined
      ? (manifest?.probe ?? { tcpSocket: true })
      : parseProbe(value.readinessProbe, `${path}.readinessProbe`, ctx);
  const containerConcurrency =
    value.containerConcurrency === undefined
      ? (manifest?.containerConcurrency ?? 0)
      : integerAtLeast(value.containerConcurrency, 0, `${path}.containerConcurrency`, ctx);
  if (value.readOnlyRootFilesystem !== undefined && typeof value.readOnlyRootFilesystem !== 'boolean')
    fail(`${path}.readOnlyRootFilesystem`, value.readOnlyRootFilesystem, 'true or false', ctx);
  const tmpfs = value.tmpfs === undefined ? ['/tmp'] : stringArray(value.tmpfs, `${path}.tmpfs`, ctx, false);
  return {
    source,
    ...(service === undefined ? {} : { service }),
    env,
    ...(cpus === undefined ? {} : { cpus }),
    ...(memoryBytes === undefined ? {} : { memoryBytes }),
    probe,
    successThreshold: manifest?.successThreshold ?? 1,
    containerConcurrency,
    readOnly: value.readOnlyRootFilesystem !== false,
    tmpfs,
  };
}

/** The image as a reader would name it: the reference, or `oci:<dir>:<tag>`. */
export function describeImageSource(source: ImageSource): string {
  return source.kind === 'registry' ? source.reference : `oci:${source.dir}:${source.tag}`;
}
