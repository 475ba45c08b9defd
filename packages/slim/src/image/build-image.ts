// buildImage(): deploy folder in, OCI image out (pushed, or written to a layout or tar file).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type BaseImage, resolveBaseImage } from './base-image.ts';
import { compileCachePathMapper } from './compile-cache-owner.ts';
import { readDeployFolder } from './deploy-folder.ts';
import { ImageError } from './errors.ts';
import { writeImageLayout, writeImageTarball } from './image-archive.ts';
import { assembleImage } from './image-config.ts';
import { type BuiltLayer, buildLayer } from './layer.ts';
import {
  type BuildImageOptions,
  defaultBaseImage,
  defaultBuildImageOptions,
  parseUser,
  resolveSourceDateEpoch,
  validateBuildImageOptions,
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
export async function buildImage(options: BuildImageOptions = {}): Promise<BuildImageResult> {
  validateBuildImageOptions(options);
  const env = options.env ?? process.env;
  const log = options.log ?? ((): void => undefined);
  const now = options.now ?? ((): number => performance.now());
  const output = options.output ?? defaultBuildImageOptions.output;
  const deployDir = options.deployDir ?? defaultBuildImageOptions.deployDir;
  const workDir = options.workDir ?? defaultBuildImageOptions.workDir;
  const user = options.user ?? defaultBuildImageOptions.user;
  const platform = parsePlatform(options.platform ?? defaultBuildImageOptions.platform);
  const mtimeSec = resolveSourceDateEpoch(options.sourceDateEpochSec, env);
  const target =
    output === 'push' || options.tag !== undefined ? registryTarget(options.tag ?? '') : undefined;
  const insecure = new Set(options.insecureRegistries ?? defaultBuildImageOptions.insecureRegistries);

  const folder = await readDeployFolder(deployDir);
  const baseName =
    options.base ?? defaultBaseImage(folder.nodeMajor ?? Number(process.versions.node.split('.')[0]));

  const clients = new Map<string, Promise<RegistryClient>>();
  const clientFor = (registry: string): Promise<RegistryClient> => {
    let client = clients.get(registry);
    if (client === undefined) {
      client = findCredentials(registry, {
        env,
        envRegistry: target?.registry,
        dockerConfigPath: options.dockerConfigPath,
      }).then(
        (credentials) =>
          new RegistryClient({
            registry,
            plainHttp: insecure.has(registry) || isLoopbackRegistry(registry),
            credentials,
            requestTimeoutMs: options.requestTimeoutMs ?? defaultBuildImageOptions.requestTimeoutMs,
            fetch: options.fetch ?? globalThis.fetch,
          }),
      );
      clients.set(registry, client);
    }
    return client;
  };

  log(`base ${baseName} (${platform.os}/${platform.architecture})`);
  const base: BaseImage = await resolveBaseImage(parseImageReference(baseName), platform, clientFor);
  const { uid } = parseUser(user);
  // Files are root-owned and world-readable (0644/0755): the function, running as `user`, can
  // read its code and compile cache but never rewrite them.
  const settings = {
    workDir,
    uid: 0,
    gid: 0,
    mtimeSec,
    compressionLevel: options.compressionLevel ?? defaultBuildImageOptions.compressionLevel,
    mapPath: compileCachePathMapper(
      folder.compileCache,
      folder.files.map((f) => f.path),
      uid,
    ),
  };
  const layers = [
    await buildLayer(deployDir, folder.files, 'dependencies', settings),
    await buildLayer(deployDir, folder.files, 'app', settings),
  ];
  const image = assembleImage(base, layers, {
    workDir,
    user,
    entry: folder.entry,
    compileCache: folder.compileCache,
    entrypoint: options.entrypoint,
    created: new Date(mtimeSec * 1000).toISOString().replace('.000Z', 'Z'),
    source: options.source,
    revision: options.revision,
  });

  let push: PushResult | undefined;
  let pinned: string | undefined;
  let pinnedManifest: string | undefined;
  switch (output) {
    case 'push': {
      const ref = target as RegistryReference;
      log(`pushing ${options.tag ?? ''}`);
      push = await pushImage(await clientFor(ref.registry), ref, base, layers, image, {
        uploadChunkBytes: options.uploadChunkBytes ?? defaultBuildImageOptions.uploadChunkBytes,
        concurrency: options.uploadConcurrency ?? defaultBuildImageOptions.uploadConcurrency,
        now,
      });
      pinned = pinnedReference(ref, push.manifestDigest);
      const defaultService = join(deployDir, 'knative', 'service.yaml');
      const pinFile = options.pinManifest ?? (existsSync(defaultService) ? defaultService : false);
      if (pinFile !== false) {
        await pinKnativeService(pinFile, pinned);
        pinnedManifest = pinFile;
        log(`pinned ${pinFile} to ${pinned}`);
      }
      break;
    }
    case 'oci-layout':
      await writeImageLayout(options.ociLayoutDir ?? '', base, layers, image, target?.tag ?? 'latest');
      log(`wrote OCI layout ${options.ociLayoutDir ?? ''}`);
      break;
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
      break;
  }
  return {
    pinnedReference: pinned,
    manifestDigest: image.manifestDigest,
    configDigest: image.configDigest,
    base: { reference: base.reference, digest: base.digest },
    layers: layers.map(({ blob: _blob, ...rest }) => rest),
    size: imageSizeReport(base, layers),
    push,
    pinnedManifest,
  };
}
