// Markdown for the containers results JSON (schema "thaw-containers"): the scale-from-zero table
// per cell, pulls, image layers, the burst, and the targets with met/missed. Used by measure.mjs
// (results/latest.md, this topic's README) and by the suite's README tables.

function table(header, rows) {
  const align = header.map((_, index) => (index === 0 ? '---' : '--:'));
  return [header, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

const ms = (value) =>
  value === null || value === undefined
    ? '–'
    : value >= 100
      ? `${value.toFixed(0)} ms`
      : `${value.toFixed(1)} ms`;
const mib = (bytes) => (bytes === null || bytes === undefined ? '–' : `${(bytes / 2 ** 20).toFixed(1)} MiB`);
const kb = (bytes) => (bytes === null || bytes === undefined ? '–' : `${(bytes / 1000).toFixed(0)} kB`);

const kinds = ['hello', 'eager', 'thaw'];
const kindNames = { hello: 'bare hello (node:http)', eager: 'eager, full node_modules', thaw: 'thaw image' };

export function variantOf(bench, name) {
  return bench.summary.variants.find((v) => v.name === name);
}

/** Median app share, arrival → response p50/p99, RSS and OOM kills per variant of one cell. */
export function cellTable(result, line, cell) {
  const rows = kinds.map((kind) => {
    const v = variantOf(result.cold, `${kind}-${line}-${cell}`);
    const c = v?.container;
    return [
      kindNames[kind],
      v === undefined ? '–' : `${v.n} (${v.failed})`,
      ms(c?.arrivalToResponseMs?.median),
      ms(c?.arrivalToResponseMs?.p99),
      ms(c?.appShareMs?.median),
      ms(c?.breakdown?.containerStartMs),
      ms(c?.breakdown?.processToListeningMs),
      ms(c?.breakdown?.listeningToReadyMs),
      ms(c?.breakdown?.probeLagMs),
      ms(c?.breakdown?.upstreamMs),
      ms(c?.breakdown?.proxyOverheadMs),
      mib(v?.metrics.rssBytes?.distribution.median),
      c === undefined ? '–' : String(c.oomKills),
    ];
  });
  return table(
    [
      'image',
      'runs (failed)',
      'arrival → response p50',
      'p99',
      'app share p50',
      'container start',
      'process → listening',
      'listening → ready',
      'probe lag',
      'first request in the container',
      'proxy overhead',
      'RSS',
      'OOM kills',
    ],
    rows,
  );
}

function median(values) {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Pull time and bytes per image, cold and warm. */
export function pullTable(result) {
  const rows = (result.cold.images ?? []).map((image) => {
    const of = (kind, key) => median(image.pulls.filter((p) => p.kind === kind).map((p) => p[key]));
    const name = image.variants[0]?.replace(/-(500m|1cpu)$/u, '') ?? image.source;
    return [
      name,
      String(image.pulls.filter((p) => p.kind === 'cold').length),
      mib(image.layers.reduce((sum, l) => sum + l.sizeBytes, 0)),
      ms(of('cold', 'ms')),
      mib(of('cold', 'bytes')),
      ms(of('warm', 'ms')),
      kb(of('warm', 'bytes')),
    ];
  });
  return table(
    ['image', 'pulls', 'compressed size', 'cold pull', 'cold bytes pulled', 'warm pull', 'warm bytes pulled'],
    rows,
  );
}

/** Compressed bytes of the layers above the base, per image. */
export function layerTable(result) {
  const rows = result.layers.map((image) => [
    image.image,
    mib(image.baseBytes),
    image.layers.map((l) => `${l.name} ${kb(l.sizeBytes)}`).join(' + ') || '–',
    kb(image.nonBaseBytes),
    image.sharedBytes > 0
      ? `${kb(image.sharedBytes)} (shared layer)`
      : image.tracingBytesEstimate === undefined
        ? '–'
        : `${kb(image.tracingBytesEstimate)} (est.)`,
    kb(image.uniqueBytes ?? image.nonBaseBytes),
  ]);
  return table(
    [
      'image',
      'base layers',
      'layers above the base (compressed)',
      'above the base',
      'of which tracing',
      "the image's own (unique)",
    ],
    rows,
  );
}

/** The burst of 50 at zero. */
export function burstTable(result) {
  const floor = result.burst.summary.sloFloor;
  const rows = kinds.map((kind) => {
    const v = variantOf(result.burst, `${kind}-24-500m`);
    const b = v?.burst;
    return [
      kindNames[kind],
      v === undefined ? '–' : `${v.n} (${v.failed})`,
      b === undefined ? '–' : String(b.requests),
      ms(b?.latency.distribution.median),
      ms(b?.latency.distribution.p99),
      ms(b?.latency.distribution.max),
      b === undefined ? '–' : String(b.sloMisses),
    ];
  });
  return table(
    [
      'image',
      'runs (failed)',
      'requests',
      'p50 from arrival',
      'p99',
      'max',
      floor === undefined ? 'misses' : `over ${ms(floor.sloMs)} (hello p99 + ${floor.marginMs} ms)`,
    ],
    rows,
  );
}

/** The targets, each with its figure and met / missed. */
export function targetsTable(result) {
  return table(
    ['target', 'measured', ''],
    result.targets.map((t) => [
      t.target,
      t.measured,
      t.met === undefined ? '–' : t.met ? 'met' : `**missed**`,
    ]),
  );
}

/** The line above the tables: when, where, rounds. */
export function describeRun(result) {
  const env = result.environment;
  const cold = result.cold.options;
  const burst = result.burst.options;
  return (
    `${result.finishedAt.slice(0, 10)} · ${env.cpuModel} × ${env.cpus} cores, shared with other work ` +
    `(load ${env.loadAverage.join(' ')} at start) · podman ${env.podman} + runc · images on Node ${result.images['24'].node} ` +
    `and ${result.images['22'].node} · scale from zero: ${cold.runs} interleaved rounds (${cold.warmupRuns} warm-up) · ` +
    `pulls: ${cold.pullRuns} cold + ${cold.pullRuns} warm per image · burst: ${burst.runs} rounds of ${burst.burst}`
  );
}

/**
 * Every table of the topic, headings at `headingLevel`.
 *
 * @example
 * renderContainers(JSON.parse(readFileSync('results/latest.json', 'utf8')), { headingLevel: 3 });
 */
export function renderContainers(result, { headingLevel = 3 } = {}) {
  const h = '#'.repeat(headingLevel);
  return [
    describeRun(result),
    '',
    `${h} Targets (ratios within this run)`,
    '',
    targetsTable(result),
    '',
    `${h} Scale from zero, 500m / 128Mi, Node 24 (ms from request arrival)`,
    '',
    cellTable(result, '24', '500m'),
    '',
    `${h} Scale from zero, 1 CPU / 256Mi, Node 24`,
    '',
    cellTable(result, '24', '1cpu'),
    '',
    `${h} Scale from zero, 500m / 128Mi, Node 22`,
    '',
    cellTable(result, '22', '500m'),
    '',
    `${h} Burst of ${result.burst.options.burst} at zero through the activator, 500m / 128Mi, Node 24`,
    '',
    burstTable(result),
    '',
    `${h} Image pulls from a local registry (medians)`,
    '',
    pullTable(result),
    '',
    `${h} Image layers`,
    '',
    layerTable(result),
    '',
  ].join('\n');
}
