// The images of a benchmark's container variants, staged and pulled as a node pulls them: each
// is copied once into the harness's own registry, then pulled cold (into a fresh, empty store,
// so every layer comes over HTTP and is unpacked) and warm (into the run's store, where the image
// already is: only the manifest is checked), timed, with the bytes the registry served counted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type ImageSource, describeImageSource } from '../container-variant.ts';
import { BenchError } from '../errors.ts';
import { type LocalRegistry, skopeoCopy } from './local-registry.ts';
import { Podman } from './podman.ts';

/** One compressed layer as the manifest lists it. */
export interface ImageLayer {
  readonly digest: string;
  /** Compressed size: what a pull moves. */
  readonly sizeBytes: number;
}

/** One timed pull. */
export interface PullMeasurement {
  /** `cold`: the image absent from the store; `warm`: already in it. */
  readonly kind: 'cold' | 'warm';
  readonly ms: number;
  /** Response bytes the registry served for this pull (manifests, config, layers). */
  readonly bytes: number;
}

/** An image of the benchmark, its layers and its pulls. */
export interface StagedImage {
  /** What the bench file named. */
  readonly source: string;
  /** The variants that run it. */
  readonly variants: readonly string[];
  /** The name it runs under in the run's store. */
  readonly reference: string;
  readonly manifestDigest: string;
  readonly configBytes: number;
  readonly layers: readonly ImageLayer[];
  readonly pulls: readonly PullMeasurement[];
}

const manifestTypes = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

interface ManifestJson {
  mediaType?: string;
  config?: { size: number };
  layers?: { digest: string; size: number }[];
  manifests?: { digest: string; platform?: { os?: string; architecture?: string } }[];
}

async function fetchManifest(
  host: string,
  repository: string,
  ref: string,
): Promise<{ json: ManifestJson; digest: string }> {
  const res = await fetch(`http://${host}/v2/${repository}/manifests/${ref}`, {
    headers: { accept: manifestTypes.join(', ') },
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok)
    throw new BenchError(
      'THAW_BENCH_CONTAINER_FAILED',
      `The local registry has no manifest ${repository}:${ref} (HTTP ${res.status}).`,
    );
  const json = (await res.json()) as ManifestJson;
  const digest = res.headers.get('docker-content-digest') ?? ref;
  if (json.manifests !== undefined) {
    const pick =
      json.manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ??
      json.manifests[0];
    if (pick === undefined)
      throw new BenchError('THAW_BENCH_CONTAINER_FAILED', `The image index ${repository}:${ref} is empty.`);
    return fetchManifest(host, repository, pick.digest);
  }
  return { json, digest };
}

function copySource(source: ImageSource): string {
  return source.kind === 'registry' ? `docker://${source.reference}` : `oci:${source.dir}:${source.tag}`;
}

async function timedPull(
  podman: Podman,
  registry: LocalRegistry,
  reference: string,
): Promise<PullMeasurement> {
  registry.resetCount();
  const started = performance.now();
  await podman.exec(['pull', '--quiet', '--tls-verify=false', reference], { timeoutMs: 600_000 });
  return { kind: 'cold', ms: performance.now() - started, bytes: registry.bytesServed() };
}

/**
 * Stages every distinct image into `registry`, pulls each into `runStore` and measures
 * `pullRuns` cold and warm pulls of each, interleaved across images. Fresh stores for cold pulls
 * are made under `scratchDir` and removed.
 *
 * @example
 * ```ts
 * const images = await stageImages([{ variant: 'thaw', source }], { registry, runStore, scratchDir, pullRuns: 2 });
 * ```
 */
export async function stageImages(
  variants: ReadonlyArray<{ readonly variant: string; readonly source: ImageSource }>,
  options: {
    readonly registry: LocalRegistry;
    readonly runStore: Podman;
    readonly scratchDir: string;
    readonly pullRuns: number;
  },
): Promise<StagedImage[]> {
  const { registry, runStore } = options;
  const bySource = new Map<string, { source: ImageSource; variants: string[] }>();
  for (const { variant, source } of variants) {
    const key = describeImageSource(source);
    const entry = bySource.get(key) ?? { source, variants: [] };
    entry.variants.push(variant);
    bySource.set(key, entry);
  }
  const staged: (Omit<StagedImage, 'pulls'> & { pulls: PullMeasurement[] })[] = [];
  let index = 0;
  for (const [key, { source, variants: names }] of bySource) {
    const repository = `thaw-bench/image-${index++}`;
    await skopeoCopy(copySource(source), `docker://${registry.directHost}/${repository}:bench`);
    const { json, digest } = await fetchManifest(registry.directHost, repository, 'bench');
    const reference = `${registry.host}/${repository}:bench`;
    // The run's store gets every image once, before anything is timed.
    await runStore.exec(['pull', '--quiet', '--tls-verify=false', reference], { timeoutMs: 600_000 });
    staged.push({
      source: key,
      variants: names,
      reference,
      manifestDigest: digest,
      configBytes: json.config?.size ?? 0,
      layers: (json.layers ?? []).map((l) => ({ digest: l.digest, sizeBytes: l.size })),
      pulls: [],
    });
  }
  for (let round = 0; round < options.pullRuns; round++) {
    for (const image of staged) {
      const dir = mkdtempSync(join(options.scratchDir, 'cold-store-'));
      // podman refuses a runroot longer than 50 characters.
      const runRoot = mkdtempSync(join(tmpdir(), 'thaw-run-'));
      const fresh = new Podman({ root: join(dir, 'storage'), runRoot });
      try {
        image.pulls.push(await timedPull(fresh, registry, image.reference));
      } finally {
        await fresh.resetStore().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
        rmSync(runRoot, { recursive: true, force: true });
      }
    }
    for (const image of staged) {
      image.pulls.push({ ...(await timedPull(runStore, registry, image.reference)), kind: 'warm' });
    }
  }
  return staged;
}
