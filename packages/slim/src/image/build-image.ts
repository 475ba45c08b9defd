// buildImage(): deploy folder in, OCI image out (pushed, or written to a layout or tar file).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type BaseImage, resolveBaseImage } from './base-image.ts';
import { compileCachePathMapper } from './compile-cache-owner.ts';
import { type DeployFolder, readDeployFolder } from './deploy-folder.ts';
import { ImageError } from './errors.ts';
import { writeImageLayout, writeImageTarball } from './image-archive.ts';
import { type AssembledImage, assembleImage } from './image-config.ts';
import { type BuiltLayer, buildLayer } from './layer.ts';
import {
  type BuildImageOptions,
  defaultBaseImage,
  parseUser,
  type ResolvedBuildImageOptions,
  resolveBuildImageOptions,
  resolveSourceDateEpoch,
} from './options.ts';
import { pinKnativeService } from './pin-manifest.ts';
import { parsePlatform } from './platform.ts';
import { type PushResult, pushImage } from './push-image.ts';
import {
  type RegistryReference,
  isLoopbackRegistry,
  parseImageReference,
  pinnedReference,
} from './reference.ts';
import { RegistryClient } from './registry-client.ts';
import { findCredentials } from './registry-credentials.ts';
import { type ImageSizeReport, imageSizeReport } from './size-report.ts';

/** What {@link buildImage} produced. */
export interface BuildImageResult {
  /** `registry/repository@sha256:…` after a push; undefined for file outputs. */
  readonly pinnedReference: string | undefined;
  readonly manifestDigest: string;
  readonly configDigest: string;
  readonly base: { readonly reference: string; readonly digest: string };
  readonly layers: readonly Omit<BuiltLayer, 'blob'>[];
  readonly size: ImageSizeReport;
  readonly push: PushResult | undefined;
  /** The Knative manifest rewritten to the pinned reference, when one was. */
  readonly pinnedManifest: string | undefined;
}

function registryTarget(tag: string): RegistryReference {
  const ref = parseImageReference(tag);
  if (ref.kind !== 'registry') {
    throw new ImageError(
      'THAW_IMAGE_INVALID_OPTION',
      `Option tag is "${tag}", a local layout; pass a registry reference such as registry.example.com/checkout:1, and use --oci-layout <dir> to write a layout.`,
    );
  }
  return ref;
}

/**
 * Builds the function's image from a deploy folder: the base's layers reused by digest, then
 * a dependencies layer and an app layer, written deterministically.
 *
 * @example
 * ```ts
 * const result = await buildImage({ deployDir: 'deploy', tag: 'registry.example.com/checkout:1' });
 * console.log(result.pinnedReference); // registry.example.com/checkout@sha256:…
 * ```
 */
export async function buildImage(given: BuildImageOptions = {}): Promise<BuildImageResult> {
  const options = resolveBuildImageOptions(given);
  const build = resolveBuild(options);
  const folder = await readDeployFolder(build.deployDir);
  const baseName =
    options.base ?? defaultBaseImage(folder.nodeMajor ?? Number(process.versions.node.split('.')[0]));
  const clientFor = registryClients(options, build);
  build.log(`base ${baseName} (${build.platform.os}/${build.platform.architecture})`);
  const base = await resolveBaseImage(parseImageReference(baseName), build.platform, clientFor);
  const layers = await functionLayers(options, build, folder);
  const image = assembleImage(base, layers, {
    workDir: build.workDir,
    user: build.user,
    entry: folder.entry,
    compileCache: folder.compileCache,
    entrypoint: options.entrypoint,
    created: new Date(build.mtimeSec * 1000).toISOString().replace('.000Z', 'Z'),
    source: options.source,
    revision: options.revision,
  });
  const written = await writeImage(options, build, clientFor, { base, layers, image });
  return {
    pinnedReference: written.pinned,
    manifestDigest: image.manifestDigest,
    configDigest: image.configDigest,
    base: { reference: base.reference, digest: base.digest },
    layers: layers.map(({ blob: _blob, ...rest }) => rest),
    size: imageSizeReport(base, layers),
    push: written.push,
    pinnedManifest: written.pinnedManifest,
  };
}

/** The options every step reads, with their defaults applied. */
interface ImageBuild {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: (line: string) => void;
  readonly now: () => number;
  readonly output: ResolvedBuildImageOptions['output'];
  readonly deployDir: string;
  readonly workDir: string;
  readonly user: string;
  readonly platform: ReturnType<typeof parsePlatform>;
  readonly mtimeSec: number;
  /** The registry the image is tagged for (always when pushing). */
  readonly target: RegistryReference | undefined;
}

function resolveBuild(options: ResolvedBuildImageOptions): ImageBuild {
  const { env, output } = options;
  return {
    env,
    log: options.log,
    now: options.now,
    output,
    deployDir: options.deployDir,
    workDir: options.workDir,
    user: options.user,
    platform: parsePlatform(options.platform),
    mtimeSec: resolveSourceDateEpoch(options.sourceDateEpochSec, env),
    target: output === 'push' || options.tag !== undefined ? registryTarget(options.tag ?? '') : undefined,
  };
}

/** One registry client per registry, created at first use with that registry's credentials. */
function registryClients(
  options: ResolvedBuildImageOptions,
  build: ImageBuild,
): (registry: string) => Promise<RegistryClient> {
  const insecure = new Set(options.insecureRegistries);
  const clients = new Map<string, Promise<RegistryClient>>();
  return (registry) => {
    let client = clients.get(registry);
    if (client === undefined) {
      client = findCredentials(registry, {
        env: build.env,
        envRegistry: build.target?.registry,
        dockerConfigPath: options.dockerConfigPath,
      }).then(
        (credentials) =>
          new RegistryClient({
            registry,
            plainHttp: insecure.has(registry) || isLoopbackRegistry(registry),
            credentials,
            requestTimeoutMs: options.requestTimeoutMs,
            fetch: options.fetch,
          }),
      );
      clients.set(registry, client);
    }
    return client;
  };
}

// Files are root-owned and world-readable (0644/0755): the function, running as `user`, can
// read its code and compile cache but never rewrite them.
async function functionLayers(
  options: ResolvedBuildImageOptions,
  build: ImageBuild,
  folder: DeployFolder,
): Promise<BuiltLayer[]> {
  const { uid } = parseUser(build.user);
  const settings = {
    workDir: build.workDir,
    uid: 0,
    gid: 0,
    mtimeSec: build.mtimeSec,
    compressionLevel: options.compressionLevel,
    mapPath: compileCachePathMapper(
      folder.compileCache,
      folder.files.map((f) => f.path),
      uid,
    ),
  };
  const layers: BuiltLayer[] = [];
  // The tracing layer's tar must not depend on the function: a fixed mtime, whatever
  // SOURCE_DATE_EPOCH says, so that every function built with this thaw version shares its blob.
  if (folder.files.some((f) => f.layer === 'tracing')) {
    layers.push(
      await buildLayer(build.deployDir, folder.files, 'tracing', {
        ...settings,
        mtimeSec: sharedLayerMtimeSec,
      }),
    );
  }
  layers.push(await buildLayer(build.deployDir, folder.files, 'dependencies', settings));
  layers.push(await buildLayer(build.deployDir, folder.files, 'app', settings));
  return layers;
}

/** The mtime of every entry of a shared layer (1980-01-01, as deploy folders default to). */
export const sharedLayerMtimeSec = 315_532_800;

/** The image in memory: its base, its two new layers, its config and manifest. */
interface BuiltImage {
  readonly base: BaseImage;
  readonly layers: readonly BuiltLayer[];
  readonly image: AssembledImage;
}

interface WrittenImage {
  readonly push?: PushResult;
  readonly pinned?: string;
  readonly pinnedManifest?: string;
}

async function writeImage(
  options: ResolvedBuildImageOptions,
  build: ImageBuild,
  clientFor: (registry: string) => Promise<RegistryClient>,
  built: BuiltImage,
): Promise<WrittenImage> {
  const { target, log } = build;
  const { base, layers, image } = built;
  switch (build.output) {
    case 'push':
      return pushAndPin(options, build, clientFor, built);
    case 'oci-layout':
      await writeImageLayout(options.ociLayoutDir ?? '', base, layers, image, target?.tag ?? 'latest');
      log(`wrote OCI layout ${options.ociLayoutDir ?? ''}`);
      return {};
    case 'tarball':
      await writeImageTarball(
        options.tarballFile ?? '',
        base,
        layers,
        image,
        target?.tag ?? 'latest',
        target === undefined
          ? undefined
          : `${target.registry}/${target.repository}:${target.tag ?? 'latest'}`,
      );
      log(`wrote ${options.tarballFile ?? ''}`);
      return {};
  }
}

/** Pushes the image, then pins the Knative Service manifest to the pushed digest. */
async function pushAndPin(
  options: ResolvedBuildImageOptions,
  build: ImageBuild,
  clientFor: (registry: string) => Promise<RegistryClient>,
  built: BuiltImage,
): Promise<WrittenImage> {
  const ref = build.target as RegistryReference;
  build.log(`pushing ${options.tag ?? ''}`);
  const push = await pushImage(await clientFor(ref.registry), ref, built.base, built.layers, built.image, {
    uploadChunkBytes: options.uploadChunkBytes,
    concurrency: options.uploadConcurrency,
    now: build.now,
  });
  const pinned = pinnedReference(ref, push.manifestDigest);
  const defaultService = join(build.deployDir, 'knative', 'service.yaml');
  const pinFile = options.pinManifest ?? (existsSync(defaultService) ? defaultService : false);
  if (pinFile === false) return { push, pinned };
  await pinKnativeService(pinFile, pinned);
  build.log(`pinned ${pinFile} to ${pinned}`);
  return { push, pinned, pinnedManifest: pinFile };
}
