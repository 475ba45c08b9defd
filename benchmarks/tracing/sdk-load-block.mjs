// How long the deferred OpenTelemetry SDK load blocks the event loop after the first response,
// and what Knative-style readiness probes see meanwhile: an earlier build (unpaced: the SDK
// loaded in one go right after the first response) against this one (paced), in one run.
//
// Each run spawns a traced hello (sdk-load-block-fn.mjs, with the build's runtime) exporting to a
// local OTLP collector, with loop-sampler.mjs preloaded (a 10 ms timer whose ticks are written
// at exit). After /readyz answers 200, one GET /; from its response on, for --window-ms, the
// queue-proxy's probe is sent (fresh connection every 50 ms, 100 ms timeout: the project's
// Knative prober). Then SIGTERM. Reported per run: the longest block (the longest gap between
// two ticks inside the window, minus the 10 ms period), probe timeouts and the slowest probe,
// and the `tracing sdk load` span the collector received (wall time of the load, and whether it
// ended inside the window). Variants alternate in order from run to run; medians.
//
// node benchmarks/tracing/sdk-load-block.mjs --baseline-root DIR [--runs N] [--warmup N]
//   [--window-ms MS] [--json-file FILE] [--md-file FILE]
// DIR: a checkout of the earlier build, with `npm ci` and `npm run build` done in it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { watchReadiness } from '../../packages/bench/src/knative/prober.ts';
import { median } from '../../packages/bench/src/stats.ts';
import { startOtlpCollector } from '../../packages/runtime/test/tracing/otlp-collector.ts';

const here = import.meta.dirname;
const repoRoot = join(here, '..', '..');

const usage =
  'Usage: sdk-load-block.mjs --baseline-root DIR [--runs N] [--warmup N] [--window-ms MS] [--json-file FILE] [--md-file FILE]';

function parseArgs(argv) {
  const out = {
    baselineRoot: undefined,
    runs: 5,
    warmup: 1,
    windowMs: 3000,
    json: join(here, 'results', 'sdk-load-block.json'),
    md: join(here, 'results', 'sdk-load-block.md'),
  };
  for (let index = 0; index < argv.length; index += 2) {
    const [flag, value] = [argv[index], argv[index + 1]];
    const count = Number(value);
    if (flag === '--baseline-root' && value !== undefined) out.baselineRoot = value;
    else if (flag === '--runs' && Number.isInteger(count) && count > 0) out.runs = count;
    else if (flag === '--warmup' && Number.isInteger(count) && count >= 0) out.warmup = count;
    else if (flag === '--window-ms' && Number.isInteger(count) && count >= 500) out.windowMs = count;
    else if (flag === '--json-file' && value !== undefined) out.json = value;
    else if (flag === '--md-file' && value !== undefined) out.md = value;
    else {
      process.stderr.write(`Unknown or invalid argument "${flag}".\n${usage}\n`);
      process.exit(2);
    }
  }
  if (out.baselineRoot === undefined) {
    process.stderr.write(`--baseline-root is required.\n${usage}\n`);
    process.exit(2);
  }
  return out;
}

function runtimeEntry(root) {
  const file = join(root, 'packages', 'runtime', 'dist', 'index.js');
  if (!existsSync(file)) {
    process.stderr.write(`${file} does not exist: run npm ci and npm run build in ${root} first.\n`);
    process.exit(1);
  }
  return pathToFileURL(file).href;
}

const epoch = () => performance.timeOrigin + performance.now();

function httpStatus(port, path, timeoutMs) {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

async function until(condition, timeoutMs, what) {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * The longest gap between two ticks whose later one falls inside [from, to], minus the period,
 * and when it began (ms after `from`).
 */
function longestBlock(samples, from, to) {
  let longest = { ms: 0, atMs: 0 };
  for (let index = 1; index < samples.ticks.length; index += 1) {
    const tick = samples.ticks[index];
    if (tick < from || tick > to) continue;
    const gap = tick - samples.ticks[index - 1] - samples.periodMs;
    if (gap > longest.ms) longest = { ms: gap, atMs: samples.ticks[index - 1] - from };
  }
  return longest;
}

async function oneRun(variant, collector, windowMs) {
  const scratch = mkdtempSync(join(tmpdir(), 'sdk-load-block-'));
  const samplesFile = join(scratch, 'ticks.json');
  const child = spawn(process.execPath, ['--import', './loop-sampler.mjs', 'sdk-load-block-fn.mjs'], {
    cwd: here,
    env: {
      PATH: process.env['PATH'] ?? '',
      PORT: '0',
      THAW_RUNTIME_ENTRY: variant.entry,
      THAW_OTEL: '1',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      // The first batch export (which loads the exporter's send path) falls inside the window.
      OTEL_BSP_SCHEDULE_DELAY: '500',
      LOOP_SAMPLES_FILE: samplesFile,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const spansBefore = collector.spans.length;
  try {
    let port;
    await until(
      () => {
        const match = /"msg":"Listening on [^"]*:(\d+)\."/.exec(stderr);
        if (match !== null) port = Number(match[1]);
        return port !== undefined;
      },
      20_000,
      `the "Listening on" line of ${variant.name}`,
    );
    await until(async () => (await httpStatus(port, '/readyz', 1000)) === 200, 20_000, '/readyz 200');
    const status = await httpStatus(port, '/', 10_000);
    if (status !== 200) throw new Error(`GET / answered ${status}.`);
    const firstResponseAt = epoch();
    const latencies = [];
    const watch = watchReadiness({
      port,
      probe: { httpGet: { path: '/readyz' } },
      onProbe: (_result, latencyMs) => latencies.push(latencyMs),
    });
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const tally = await watch.stop();
    child.kill('SIGTERM');
    const exit = await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (exit === undefined) throw new Error('The function did not exit within 10 s of SIGTERM.');
    const samples = JSON.parse(readFileSync(samplesFile, 'utf8'));
    const spans = collector.spans.slice(spansBefore);
    const load = spans.find((span) => span.name === 'tracing sdk load');
    const loadEndAt = load === undefined ? undefined : Number(load.endNs / 1_000_000n);
    const block = longestBlock(samples, firstResponseAt, firstResponseAt + windowMs);
    const sinceFirstResponse = (ns) => Math.round(Number(ns / 1000n) / 1000 - firstResponseAt);
    return {
      longestBlockMs: block.ms,
      longestBlockAtMs: Math.round(block.atMs),
      sdkLoadFromMs: load === undefined ? undefined : sinceFirstResponse(load.startNs),
      sdkLoadToMs: load === undefined ? undefined : sinceFirstResponse(load.endNs),
      probes: tally.attempts,
      probeTimeouts: tally.timeouts,
      probeFailures: tally.failures,
      slowestProbeMs: Math.max(0, ...latencies),
      sdkLoadMs: load === undefined ? undefined : Number((load.endNs - load.startNs) / 1000n) / 1000,
      sdkLoadedInWindow: loadEndAt !== undefined && loadEndAt <= firstResponseAt + windowMs,
      spansReceived: spans.length,
      exitCode: exit.code,
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(scratch, { recursive: true, force: true });
  }
}

function summarizeVariant(name, runs) {
  const values = (key) => runs.map((run) => run[key]).filter((value) => typeof value === 'number');
  const round = (value) => Math.round(value * 10) / 10;
  return {
    name,
    runs: runs.length,
    longestBlockMedianMs: round(median(values('longestBlockMs'))),
    longestBlockMaxMs: round(Math.max(...values('longestBlockMs'))),
    probes: runs.reduce((sum, run) => sum + run.probes, 0),
    probeTimeouts: runs.reduce((sum, run) => sum + run.probeTimeouts, 0),
    slowestProbeMedianMs: round(median(values('slowestProbeMs'))),
    slowestProbeMaxMs: round(Math.max(...values('slowestProbeMs'))),
    sdkLoadMedianMs: values('sdkLoadMs').length === 0 ? null : round(median(values('sdkLoadMs'))),
    sdkLoadedInWindow: runs.filter((run) => run.sdkLoadedInWindow).length,
  };
}

function renderMarkdown(result) {
  const { environment: env } = result;
  const lines = [
    `# The deferred SDK load's longest event-loop block`,
    '',
    `${result.generatedAt.slice(0, 10)} · Node v${env.node} · ${env.cpuModel} × ${env.cpus} cores, load ${env.loadAverage.join(' ')} at start · N = ${result.runs} measured runs per variant (${result.warmup} warm-up), interleaved · window ${result.windowMs} ms after the first response · probes: Knative's (50 ms, 100 ms timeout, fresh connection)`,
    '',
    '| variant | runs | longest block, median | longest block, max | probes | probe timeouts | slowest probe, median | slowest probe, max | SDK load wall time, median | SDK loaded in window |',
    '| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: |',
  ];
  for (const v of result.variants) {
    lines.push(
      `| ${v.name === result.baseline ? `**${v.name}** (baseline)` : v.name} | ${v.runs} | ${v.longestBlockMedianMs} ms | ${v.longestBlockMaxMs} ms | ${v.probes} | ${v.probeTimeouts} | ${v.slowestProbeMedianMs} ms | ${v.slowestProbeMaxMs} ms | ${v.sdkLoadMedianMs ?? '–'} ms | ${v.sdkLoadedInWindow} of ${v.runs} |`,
    );
  }
  lines.push('', `Longest block, median: baseline ÷ paced = ${result.ratio}×.`);
  return lines.join('\n');
}

const options = parseArgs(process.argv.slice(2));
const variants = [
  { name: 'unpaced', entry: runtimeEntry(options.baselineRoot) },
  { name: 'paced', entry: runtimeEntry(repoRoot) },
];
const environment = {
  node: process.versions.node,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  cpus: cpus().length,
  loadAverage: loadavg().map((value) => Math.round(value * 100) / 100),
};
const collector = await startOtlpCollector();
const measured = new Map(variants.map((variant) => [variant.name, []]));
try {
  for (let round = 0; round < options.warmup + options.runs; round += 1) {
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const variant of order) {
      const run = await oneRun(variant, collector, options.windowMs);
      const warm = round < options.warmup;
      process.stdout.write(
        `${warm ? 'warm-up' : `run ${round - options.warmup + 1}/${options.runs}`} ${variant.name}: longest block ${run.longestBlockMs.toFixed(1)} ms at +${run.longestBlockAtMs} ms, ${run.probeTimeouts} probe timeouts of ${run.probes}, SDK load +${run.sdkLoadFromMs ?? '–'}…+${run.sdkLoadToMs ?? '–'} ms\n`,
      );
      if (!warm) measured.get(variant.name).push(run);
    }
  }
} finally {
  await collector.close();
}
const summaries = variants.map((variant) => summarizeVariant(variant.name, measured.get(variant.name)));
const [baseline, paced] = summaries;
const result = {
  schema: 'thaw-sdk-load-block',
  generatedAt: new Date().toISOString(),
  environment,
  runs: options.runs,
  warmup: options.warmup,
  windowMs: options.windowMs,
  baseline: baseline.name,
  ratio: Math.round((baseline.longestBlockMedianMs / paced.longestBlockMedianMs) * 100) / 100,
  variants: summaries,
  raw: Object.fromEntries(measured),
};
writeFileSync(options.json, `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(options.md, `${renderMarkdown(result)}\n`);
process.stdout.write(`${renderMarkdown(result)}\n\nWrote ${options.json} and ${options.md}.\n`);
