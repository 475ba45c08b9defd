// Cold starts as Knative runs them, with real containers: builds the images (images.mjs), runs
// cold.bench.mjs (scale from zero per cell, pulls cold and warm) and burst.bench.mjs (50 at zero)
// with thaw bench's container variants, reads the image layers, and writes results/latest.json,
// results/latest.md and the tables of this topic's README. Needs podman, runc, buildah, skopeo,
// docker-registry, PostgreSQL and Redis.
//
// node benchmarks/containers/measure.mjs [--json-file FILE] [--md-file FILE] [--runs N] [--burst-runs N]
//   [--render-only (tables again from the committed results) | --layers-only (images rebuilt,
//   their layers measured again, the timed results kept)]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { loadBenchFile, renderMarkdown, requirePodman, runBench } from '@thaw/bench';
import { prepareOrderRiskTopic } from '../support/order-risk-deploys.mjs';
import { writeBetweenMarkers } from '../support/readme-tables.mjs';
import { buildImages, here, layoutsDir } from './images.mjs';
import { renderContainers, variantOf } from './report.mjs';

function parseArgs(argv) {
  const usage =
    'Usage: measure.mjs [--json-file FILE] [--md-file FILE] [--runs N] [--burst-runs N] [--render-only | --layers-only]';
  const out = { json: join(here, 'results', 'latest.json'), md: join(here, 'results', 'latest.md') };
  const keys = { '--json-file': 'json', '--md-file': 'md', '--runs': 'runs', '--burst-runs': 'burstRuns' };
  for (let index = 0; index < argv.length; index += 2) {
    const [flag, value] = [argv[index], argv[index + 1]];
    if (flag === '--render-only' || flag === '--layers-only') {
      out[flag === '--render-only' ? 'renderOnly' : 'layersOnly'] = true;
      index -= 1;
      continue;
    }
    const key = keys[flag];
    if (key === undefined || value === undefined) {
      process.stderr.write(`Unknown argument "${flag}". ${usage}\n`);
      process.exit(2);
    }
    out[key] = key === 'runs' || key === 'burstRuns' ? Number(value) : value;
  }
  return out;
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** The manifest and config of the one image in an OCI layout. */
function readLayout(dir) {
  const index = readJson(join(dir, 'index.json'));
  const blob = (digest) => join(dir, 'blobs', ...digest.split(':'));
  const manifest = readJson(blob(index.manifests[0].digest));
  return { manifest, config: readJson(blob(manifest.config.digest)), blob };
}

/** Regular files of a gzipped tar: [{ path, size, data }] (ustar and pax long names). */
function tarFiles(gz) {
  const tar = gunzipSync(gz);
  const files = [];
  let longName;
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const text = (from, length) =>
      header
        .subarray(from, from + length)
        .toString('utf8')
        .replace(/\0.*$/su, '');
    const size = Number.parseInt(text(124, 12).trim() || '0', 8);
    const type = text(156, 1);
    const prefix = text(345, 155);
    const name = longName ?? (prefix === '' ? text(0, 100) : `${prefix}/${text(0, 100)}`);
    const data = tar.subarray(at + 512, at + 512 + size);
    longName = undefined;
    if (type === 'x') {
      const path = /\d+ path=([^\n]*)\n/u.exec(data.toString('utf8'))?.[1];
      if (path !== undefined) longName = path;
    } else if (type === '0' || type === '') files.push({ path: name, size, data });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

// OpenTelemetry (SDK, exporters, instrumentations, their gRPC/protobuf stack): the tracing every
// function on the cluster carries, which the floor issue counts as a layer shared between them.
const tracingPath =
  /@opentelemetry|@grpc|protobufjs|\/long\/|sdk-node|instrumentation-|otel|import-in-the-middle|require-in-the-middle/u;

/** A layer's name: thaw image's own ([tracing,] dependencies, app), else what it holds under /app. */
function layerName(files, index, kind, count) {
  if (kind === 'thaw') {
    const names = count === 3 ? ['tracing', 'dependencies', 'app'] : ['dependencies', 'app'];
    return names[index] ?? `layer ${index + 1}`;
  }
  const tops = [...new Set(files.map((f) => f.path.replace(/^\.?\/?app\//u, '').split('/')[0]))];
  return tops.length <= 2 ? tops.join(', ') : `${files.length} files`;
}

/** Compressed bytes of the layers above the base, per image of a Node line. */
function layersOf(line) {
  const base = readLayout(join(layoutsDir, `base-${line}`));
  const baseDigests = new Set(base.manifest.layers.map((l) => l.digest));
  return ['hello', 'eager', 'thaw'].map((kind) => {
    const { manifest, blob } = readLayout(join(layoutsDir, `${kind}-${line}`));
    const own = manifest.layers.filter((l) => !baseDigests.has(l.digest));
    const files = own.map((l) => tarFiles(readFileSync(blob(l.digest))));
    const tracing = files.flat().filter((f) => tracingPath.test(f.path));
    // thaw image's first layer, when it has three, is the shared tracing layer: the same blob
    // for every function built with the same thaw version, pulled once per node.
    const sharedBytes = kind === 'thaw' && own.length === 3 ? (own[0]?.size ?? 0) : 0;
    return {
      image: `${kind}-${line}`,
      baseBytes: manifest.layers.filter((l) => baseDigests.has(l.digest)).reduce((sum, l) => sum + l.size, 0),
      layers: own.map((l, i) => ({
        name: layerName(files[i] ?? [], i, kind, own.length),
        digest: l.digest,
        sizeBytes: l.size,
      })),
      nonBaseBytes: own.reduce((sum, l) => sum + l.size, 0),
      sharedBytes,
      uniqueBytes: own.reduce((sum, l) => sum + l.size, 0) - sharedBytes,
      // Estimated: those files alone, gzipped together (layers are compressed as a whole); for
      // thaw's shared tracing layer, that layer's own size.
      ...(sharedBytes > 0
        ? { tracingBytesEstimate: sharedBytes, tracingFiles: (files[0] ?? []).length }
        : tracing.length === 0
          ? {}
          : {
              tracingBytesEstimate: gzipSync(Buffer.concat(tracing.map((f) => f.data))).length,
              tracingFiles: tracing.length,
            }),
    };
  });
}

const ratio = (a, b) => (a === undefined || b === undefined || b === 0 ? undefined : a / b);
const fmt = (value, digits = 2) => (value === undefined ? '–' : value.toFixed(digits));

function targetsOf(cold, burst, layers) {
  const c = (name) => variantOf(cold, name)?.container;
  const hello = c('hello-24-500m');
  const eager = c('eager-24-500m');
  const thaw = c('thaw-24-500m');
  const thawShareVsHello = ratio(thaw?.appShareMs?.median, hello?.appShareMs?.median);
  const eagerOverThaw = ratio(eager?.appShareMs?.median, thaw?.appShareMs?.median);
  const eagerOverThawArrival = ratio(eager?.arrivalToResponseMs?.median, thaw?.arrivalToResponseMs?.median);
  const containers = [...cold.summary.variants, ...burst.summary.variants].flatMap((v) =>
    v.container === undefined ? [] : [v.container],
  );
  // After ready = ready → first response, then the window after it (`probeAfterResponseMs`).
  const total = (k, phase) => k[`probeTimeoutsAfter${phase}`] ?? 0;
  const timeouts = containers.reduce((sum, k) => sum + total(k, 'Ready') + total(k, 'Response'), 0);
  const beforeResponse = containers.reduce((sum, k) => sum + total(k, 'Ready'), 0);
  const probes = containers.reduce((sum, k) => sum + k.probesAfterReady + (k.probesAfterResponse ?? 0), 0);
  const probesAfterResponse = containers.reduce((sum, k) => sum + (k.probesAfterResponse ?? 0), 0);
  const timedOut = [
    ...cold.summary.variants.map((v) => ({ v, run: 'scale from zero' })),
    ...burst.summary.variants.map((v) => ({ v, run: 'burst' })),
  ]
    .filter(
      ({ v }) =>
        v.container !== undefined && total(v.container, 'Ready') + total(v.container, 'Response') > 0,
    )
    .map(({ v, run }) => {
      const k = v.container;
      const at = k.probeTimeoutsAfterResponseAtMs ?? [];
      const when = at.length === 0 ? '' : `, at +${fmt(at[0], 0)}…+${fmt(at.at(-1), 0)} ms`;
      return `${v.name} ${run}: ${total(k, 'Ready')} of ${k.probesAfterReady} before the first response, ${total(k, 'Response')} of ${k.probesAfterResponse ?? 0} after it${when}`;
    });
  const windowMs = cold.options.probeAfterResponseMs;
  const lagMax = Math.max(...containers.map((k) => k.breakdown?.probeLagMaxMs ?? 0));
  const lagMedians = containers.map((k) => k.breakdown?.probeLagMs).filter((v) => v !== undefined);
  const thawLayers = layers.find((l) => l.image === 'thaw-24');
  const eagerLayers = layers.find((l) => l.image === 'eager-24');
  const layerShare = ratio(thawLayers?.uniqueBytes ?? thawLayers?.nonBaseBytes, eagerLayers?.nonBaseBytes);
  const layerShareWithShared = ratio(thawLayers?.nonBaseBytes, eagerLayers?.nonBaseBytes);
  const minusTracing = (l) => (l === undefined ? undefined : l.nonBaseBytes - (l.tracingBytesEstimate ?? 0));
  const layerShareNoTracing = ratio(minusTracing(thawLayers), minusTracing(eagerLayers));
  const floor = burst.summary.sloFloor;
  const burstOf = (name) => variantOf(burst, name)?.burst;
  const thawBurst = burstOf('thaw-24-500m');
  const eagerBurst = burstOf('eager-24-500m');
  return [
    {
      target: "500m/128Mi: thaw's app share ≤ 2× the bare hello image's",
      measured: `${fmt(thawShareVsHello)}× (thaw ${fmt(thaw?.appShareMs?.median, 0)} ms, hello ${fmt(hello?.appShareMs?.median, 0)} ms)`,
      met: thawShareVsHello === undefined ? undefined : thawShareVsHello <= 2,
    },
    {
      target: '500m/128Mi: eager ÷ thaw ≥ 8× (app share)',
      measured: `${fmt(eagerOverThaw)}× (eager ${fmt(eager?.appShareMs?.median, 0)} ms); from arrival ${fmt(eagerOverThawArrival)}×`,
      met: eagerOverThaw === undefined ? undefined : eagerOverThaw >= 8,
    },
    {
      target: '500m/128Mi: 0 OOM kills for thaw (eager reported)',
      measured: `thaw ${thaw?.oomKills ?? '–'}, eager ${eager?.oomKills ?? '–'} (Node 22: thaw ${c('thaw-22-500m')?.oomKills ?? '–'}, eager ${c('eager-22-500m')?.oomKills ?? '–'})`,
      met: thaw === undefined ? undefined : thaw.oomKills === 0,
    },
    {
      target: '0 probe timeouts (100 ms) after ready, whole run',
      measured: `${timeouts} of ${probes} probes (ready → first response ${beforeResponse}, the ${windowMs ?? '–'} ms after it ${timeouts - beforeResponse} of ${probesAfterResponse})${timedOut.length === 0 ? '' : `; ${timedOut.join('; ')}`}`,
      met: timeouts === 0,
    },
    {
      target: 'probe lag ≤ 1 probe interval (50 ms)',
      measured: `worst ${fmt(lagMax, 1)} ms, per-variant medians ${fmt(Math.min(...lagMedians), 1)}–${fmt(Math.max(...lagMedians), 1)} ms (where the ready moment is known: thaw's report, TCP-probed images)`,
      met: lagMax <= 50,
    },
    {
      target:
        "thaw image's own layers above the base ≤ 10% of the usual image's (compressed; the shared tracing layer apart)",
      measured: `${fmt(100 * (layerShare ?? Number.NaN), 1)}% (${fmt((thawLayers?.uniqueBytes ?? thawLayers?.nonBaseBytes ?? 0) / 1000, 0)} kB vs ${fmt((eagerLayers?.nonBaseBytes ?? 0) / 1000, 0)} kB); with thaw's shared tracing layer (${fmt((thawLayers?.sharedBytes ?? 0) / 1000, 0)} kB, one pull per node for all functions): ${fmt(100 * (layerShareWithShared ?? Number.NaN), 1)}%; without any tracing in either (eager's est.): ${fmt(100 * (layerShareNoTracing ?? Number.NaN), 1)}%`,
      met: layerShare === undefined ? undefined : layerShare <= 0.1,
    },
    {
      target: 'burst of 50 at zero: no thaw request over the hello image p99 + 300 ms',
      measured: `thaw ${thawBurst?.sloMisses ?? '–'} of ${thawBurst?.requests ?? '–'} over ${fmt(floor?.sloMs, 0)} ms (eager ${eagerBurst?.sloMisses ?? '–'} of ${eagerBurst?.requests ?? '–'})`,
      met: thawBurst === undefined || floor === undefined ? undefined : thawBurst.sloMisses === 0,
    },
  ];
}

function progress(label) {
  return (event) => {
    if (event.record === undefined) return;
    const r = event.record;
    const outcome = r.ok
      ? `${(r.firstResponseMs ?? 0).toFixed(0)} ms from arrival`
      : `FAILED: ${r.failure?.message ?? 'unknown'}`;
    process.stdout.write(
      `  ${label} ${event.index}/${event.total} ${event.variant}${event.warmup ? ' (warm-up)' : ''}: ${outcome}\n`,
    );
  };
}

const args = parseArgs(process.argv.slice(2));

function write(result) {
  mkdirSync(join(here, 'results'), { recursive: true });
  // No machine paths in committed results: the images are named relative to this folder.
  const portable = JSON.stringify(result, null, 2).replaceAll(`${here}/`, '').replaceAll(here, '.');
  writeFileSync(args.json, `${portable}\n`);
  const relative = JSON.parse(portable);
  writeFileSync(
    args.md,
    [
      '# Containers: cold starts as Knative runs them',
      '',
      renderContainers(relative, { headingLevel: 2 }),
      '## Full report: scale from zero',
      '',
      renderMarkdown(relative.cold, 'Scale from zero').replace(/^## /gmu, '### '),
      '## Full report: burst',
      '',
      renderMarkdown(relative.burst, 'Burst of 50 at zero').replace(/^## /gmu, '### '),
    ].join('\n'),
  );
  writeBetweenMarkers(join(here, 'README.md'), renderContainers(relative, { headingLevel: 3 }));
  for (const t of result.targets)
    process.stdout.write(
      `${t.met === undefined ? '–' : t.met ? 'met' : 'MISSED'}  ${t.target}: ${t.measured}\n`,
    );
}

if (args.renderOnly) {
  // Tables and targets again from the committed results (and the layouts on disk), nothing run.
  const result = readJson(args.json);
  result.layers = [...layersOf('24'), ...layersOf('22')];
  result.targets = targetsOf(result.cold, result.burst, result.layers);
  write(result);
  process.exit(0);
}

requirePodman(['buildah', 'skopeo', 'docker-registry']);
await prepareOrderRiskTopic(here, { own: ['thaw', 'thaw-no-cache'] });
const images = {};
for (const line of ['24', '22']) {
  const started = performance.now();
  images[line] = await buildImages(line, {
    thawDeployDir: join(here, 'out', line === '24' ? 'thaw' : 'thaw-no-cache'),
  });
  process.stdout.write(
    `images on Node ${images[line].node}: ready in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}
if (args.layersOnly) {
  // The image layers measured again from freshly built images; the timed parts stay as committed.
  const result = readJson(args.json);
  result.layers = [...layersOf('24'), ...layersOf('22')];
  result.layersMeasuredAt = new Date().toISOString();
  result.targets = targetsOf(result.cold, result.burst, result.layers);
  write(result);
  process.exit(0);
}
const environment = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  loadAverage: loadavg().map((v) => Math.round(v * 100) / 100),
  podman: execFileSync('podman', ['--version'], { encoding: 'utf8' })
    .trim()
    .replace(/^podman version /u, ''),
};
const startedAt = new Date().toISOString();
const overrides = args.runs === undefined ? {} : { runs: args.runs };
const cold = await runBench(await loadBenchFile(join(here, 'cold.bench.mjs')), overrides, {
  onProgress: progress('scale from zero'),
});
const burst = await runBench(
  await loadBenchFile(join(here, 'burst.bench.mjs')),
  args.burstRuns === undefined ? {} : { runs: args.burstRuns },
  { onProgress: progress('burst') },
);
const layers = [...layersOf('24'), ...layersOf('22')];
const result = {
  schema: 'thaw-containers',
  version: 1,
  startedAt,
  finishedAt: new Date().toISOString(),
  environment,
  images: Object.fromEntries(
    Object.entries(images).map(([line, i]) => [line, { node: i.node, eagerPackages: i.closurePackages }]),
  ),
  layers,
  targets: targetsOf(cold, burst, layers),
  cold,
  burst,
};
write(result);
