// The warm path: how many requests per second one warm instance serves, at what latency and at
// what CPU cost per request, for thaw's three handler kinds against the servers people run.
//
// Every variant of a Node line runs as its own server process, all started and warmed up first;
// then each cell (connections × scenario) is measured for every variant in turn, the order
// rotating from cell to cell so that drift of a shared machine hits all variants alike. The load
// generator is wrk (one thread) in a process of its own. For each cell: requests/s, p50/p99
// latency, the server process's CPU time (utime + stime from /proc/<pid>/stat) divided by the
// requests it served, and its peak RSS (/proc/<pid>/status, sampled during the cell).
//
// node benchmarks/warm-path/measure.mjs [--json-file FILE] [--md-file FILE] [--duration S] [--rounds N]
//   [--node 24|22 ...] [--only VARIANT ...] [--connections 10,50,100] [--no-readme]
//   [--baseline DIR [--baseline-label TEXT]]
//
// --baseline DIR: DIR holds another build of @thaw/runtime (its package.json and dist/, e.g. an
// earlier commit's); the untraced thaw variants run a second time against it, as `<variant>@baseline`,
// in the same interleaved run, and the report adds this build ÷ that one.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeBetweenMarkers } from '../support/readme-tables.mjs';
import { renderWarmPath } from './report.mjs';

const here = import.meta.dirname;
const repoRoot = join(here, '..', '..');
const nodeLines = {
  24: join(repoRoot, 'node_modules', 'node', 'bin', 'node'),
  22: join(repoRoot, 'node_modules', 'node22', 'bin', 'node'),
};

/** The JSON body of the echo scenario: a small order, as a function typically receives. */
const echoBody = JSON.stringify({
  orderId: 'ord_5f3a9c1e',
  customer: { id: 'cus_81422', tier: 'gold', country: 'DE' },
  items: [
    { sku: 'sku-1001', quantity: 2, priceCents: 1999 },
    { sku: 'sku-2044', quantity: 1, priceCents: 4500 },
    { sku: 'sku-3310', quantity: 5, priceCents: 250 },
  ],
  currency: 'EUR',
  note: 'Leave at the door, ring twice.',
});

const ceHeaders = {
  'ce-specversion': '1.0',
  'ce-id': 'warm-1',
  'ce-type': 'com.example.order',
  'ce-source': '/load',
};

/** The two scenarios, as plain HTTP and as binary-mode CloudEvents. */
const scenarios = {
  hello: {
    http: { method: 'GET', path: '/hello', headers: {}, body: '' },
    cloudEvent: { method: 'POST', path: '/', headers: ceHeaders, body: '' },
  },
  echo: {
    http: { method: 'POST', path: '/echo', headers: { 'content-type': 'application/json' }, body: echoBody },
    cloudEvent: {
      method: 'POST',
      path: '/',
      headers: { ...ceHeaders, 'content-type': 'application/json' },
      body: echoBody,
    },
  },
};

/** The OTLP endpoint the traced variants export to: a sink in this process that answers 200. */
const sinkEnv = (port) => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
  OTEL_METRICS_EXPORTER: 'none',
  OTEL_LOGS_EXPORTER: 'none',
});

/** Every variant: its server file, how requests reach it, and on which Node lines it runs. */
const variants = [
  { name: 'node-http', file: 'node-http.mjs', what: 'bare `node:http` (the floor)' },
  { name: 'hono', file: 'hono.mjs', what: '`@hono/node-server` with a web-standard `fetch` handler' },
  { name: 'fastify', file: 'fastify.mjs', what: 'Fastify' },
  { name: 'express', file: 'express.mjs', what: 'bare Express' },
  { name: 'thaw-web', file: 'thaw-web.mjs', what: 'thaw, web-standard handler (the same one as hono’s)' },
  {
    name: 'thaw-node-listener',
    file: 'thaw-node-listener.mjs',
    what: 'thaw, `fromNodeListener` around node-http’s listener',
  },
  { name: 'thaw-express', file: 'thaw-express.mjs', what: 'thaw, `fromNodeListener` around the Express app' },
  {
    name: 'thaw-cloud-events',
    file: 'thaw-cloud-events.mjs',
    what: 'thaw, `cloudEvent()` in binary mode (same work: the event’s data answered back)',
    cloudEvent: true,
  },
  {
    name: 'thaw-web-traced',
    file: 'thaw-web.mjs',
    what: 'thaw-web with tracing on (`THAW_OTEL=1`, the SDK loaded, spans exported over OTLP/HTTP)',
    env: (sink) => ({ THAW_OTEL: '1', ...sinkEnv(sink) }),
    nodes: ['24'],
  },
  {
    name: 'node-http-otel',
    file: 'node-http.cjs',
    what: 'node-http with the OpenTelemetry SDK and `@opentelemetry/instrumentation-http` preloaded (reference)',
    preload: 'otel-preload.mjs',
    env: (sink) => sinkEnv(sink),
    nodes: ['24'],
  },
];

/** The ratios the project's targets are stated in: variant ÷ reference, in one run. */
export const targets = [
  { variant: 'thaw-web', reference: 'hono', metric: 'rps', atLeast: 1.0 },
  { variant: 'thaw-web', reference: 'hono', metric: 'p99', atMost: 1.1 },
  { variant: 'thaw-node-listener', reference: 'node-http', metric: 'rps', atLeast: 0.9 },
  { variant: 'thaw-express', reference: 'express', metric: 'rps', atLeast: 0.9 },
  { variant: 'thaw-cloud-events', reference: 'thaw-web', metric: 'rps', atLeast: 0.8 },
  { variant: 'thaw-web-traced', reference: 'thaw-web', metric: 'rps', atLeast: 0.8 },
];

const usage =
  'Usage: measure.mjs [--json-file FILE] [--md-file FILE] [--duration S] [--rounds N] [--node 24|22 ...] ' +
  '[--only VARIANT ...] [--connections 10,50,100] [--no-readme] [--baseline DIR [--baseline-label TEXT]]\n';

function parseArgs(argv) {
  const out = {
    json: join(here, 'results', 'latest.json'),
    md: join(here, 'results', 'latest.md'),
    // 3 rounds of 3 s per cell: the median of three is stable where one or two rounds of 2 s were
    // not; both Node lines take ~18 minutes.
    durationS: 3,
    rounds: 3,
    nodes: [],
    only: [],
    connections: [10, 50, 100],
    readme: true,
    baseline: undefined,
    baselineLabel: undefined,
  };
  const fail = (message) => {
    process.stderr.write(`${message}\n${usage}`);
    process.exit(2);
  };
  for (let index = 0; index < argv.length; index += 1) {
    const flag = argv[index];
    if (flag === '--no-readme') {
      out.readme = false;
      continue;
    }
    const value = argv[index + 1];
    index += 1;
    if (value === undefined) fail(`Option ${flag} needs a value.`);
    if (flag === '--json-file' || flag === '--md-file') out[flag === '--json-file' ? 'json' : 'md'] = value;
    else if (flag === '--duration' || flag === '--rounds') {
      const number = Number(value);
      const min = flag === '--duration' ? 1 : 1;
      if (!Number.isInteger(number) || number < min)
        fail(`Invalid ${flag}: received "${value}"; expected an integer of at least ${min}.`);
      out[flag === '--duration' ? 'durationS' : 'rounds'] = number;
    } else if (flag === '--node') {
      if (!(value in nodeLines)) fail(`Invalid --node: received "${value}"; expected 24 or 22.`);
      out.nodes.push(value);
    } else if (flag === '--only') {
      if (!variants.some((v) => v.name === value))
        fail(`Unknown variant "${value}"; variants: ${variants.map((v) => v.name).join(', ')}.`);
      out.only.push(value);
    } else if (flag === '--baseline') {
      const dir = resolve(value);
      if (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'dist', 'index.js')))
        fail(`Invalid --baseline: "${value}" holds no built @thaw/runtime (package.json and dist/index.js).`);
      out.baseline = dir;
    } else if (flag === '--baseline-label') out.baselineLabel = value;
    else if (flag === '--connections') {
      const list = value.split(',').map(Number);
      if (list.some((c) => !Number.isInteger(c) || c < 1))
        fail(
          `Invalid --connections: received "${value}"; expected a comma-separated list of positive integers.`,
        );
      out.connections = list;
    } else fail(`Unknown argument "${flag}".`);
  }
  if (out.nodes.length === 0) out.nodes = ['24', '22'];
  return out;
}

const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** CPU time (user + system, every thread) of a process so far, in ms. */
function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ", field 3 (state) is index 0; utime and stime are fields 14 and 15.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
}

function rssBytes(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? 0 : Number(match[1]) * 1024;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A local OTLP receiver: reads each export and answers 200, so exporting costs what it costs. */
async function startSink() {
  let exports = 0;
  const server = createHttpServer((request, response) => {
    request.resume();
    request.on('end', () => {
      exports += 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.address().port, exports: () => exports, close: () => server.close() };
}

// The servers again, beside a node_modules whose @thaw/runtime is the baseline build; the peer
// packages (Express for thaw-express) still resolve from this folder's node_modules, above it.
const baselineServersDir = join(here, 'out', 'baseline-servers');

function prepareBaselineServers(runtimeDir) {
  rmSync(baselineServersDir, { recursive: true, force: true });
  cpSync(join(here, 'servers'), baselineServersDir, { recursive: true });
  mkdirSync(join(baselineServersDir, 'node_modules', '@thaw'), { recursive: true });
  symlinkSync(runtimeDir, join(baselineServersDir, 'node_modules', '@thaw', 'runtime'), 'dir');
}

/** The untraced thaw variants, run against the baseline build. */
function baselineVariants() {
  return variants
    .filter((v) => v.name.startsWith('thaw-') && v.env === undefined)
    .map((v) => ({
      ...v,
      name: `${v.name}@baseline`,
      what: `${v.name} on the baseline build`,
      baseline: true,
    }));
}

function requestOf(variant, scenario) {
  return scenarios[scenario][variant.cloudEvent ? 'cloudEvent' : 'http'];
}

async function answers(port, request) {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${request.path}`, {
      method: request.method,
      headers: request.headers,
      body: request.body === '' ? undefined : request.body,
      signal: AbortSignal.timeout(1000),
    });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

async function startServer(variant, node, sinkPort) {
  const port = await freePort();
  const args = [...(variant.preload ? ['--import', `./${variant.preload}`] : []), variant.file];
  const child = spawn(nodeLines[node], args, {
    cwd: variant.baseline ? baselineServersDir : join(here, 'servers'),
    env: { ...process.env, ...(variant.env?.(sinkPort) ?? {}), PORT: String(port), NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const server = { variant, node, port, child, stderr: () => stderr, exited: () => exited };
  const deadline = performance.now() + 15_000;
  for (;;) {
    if (exited) throw new Error(`${variant.name} (Node ${node}) exited before answering: ${stderr.trim()}`);
    if (await answers(port, requestOf(variant, 'hello'))) return server;
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${variant.name} (Node ${node}) did not answer within 15 s: ${stderr.trim()}`);
    }
    await sleep(50);
  }
}

async function stopServer(server) {
  if (server.exited()) return;
  const gone = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(timer);
}

/** One wrk run against a server; resolves with wrk's summary. */
function wrk(port, request, connections, durationS) {
  return new Promise((resolve, reject) => {
    const headers = Object.entries(request.headers)
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n');
    const child = spawn(
      'wrk',
      [
        '-t1',
        `-c${connections}`,
        `-d${durationS}s`,
        '--timeout',
        '5s',
        '-s',
        join(here, 'load.lua'),
        `http://127.0.0.1:${port}${request.path}`,
      ],
      {
        env: { ...process.env, WARM_METHOD: request.method, WARM_BODY: request.body, WARM_HEADERS: headers },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), (durationS + 15) * 1000);
    child.once('error', (error) =>
      reject(new Error(`Could not start wrk (${error.message}); install it (Debian package "wrk").`)),
    );
    child.once('close', (code) => {
      clearTimeout(killer);
      const line = output.split('\n').find((l) => l.startsWith('WRK_JSON '));
      if (code !== 0 || line === undefined)
        reject(new Error(`wrk exited ${code}: ${output.trim().slice(-500)}`));
      else resolve(JSON.parse(line.slice('WRK_JSON '.length)));
    });
  });
}

/** Measures one cell for one server: load, CPU and RSS of the server process. */
async function measureCell(server, scenario, connections, durationS) {
  const { pid } = server.child;
  const cpuBefore = cpuMs(pid);
  let rssMax = rssBytes(pid);
  const sampler = setInterval(() => {
    try {
      rssMax = Math.max(rssMax, rssBytes(pid));
    } catch {
      // The process is gone; the cell fails below.
    }
  }, 200);
  try {
    const summary = await wrk(server.port, requestOf(server.variant, scenario), connections, durationS);
    const cpu = cpuMs(pid) - cpuBefore;
    const errors = Object.values(summary.errors).reduce((a, b) => a + b, 0);
    const durationSeconds = summary.durationUs / 1e6;
    return {
      requests: summary.requests,
      errors,
      errorKinds: summary.errors,
      rps: summary.requests / durationSeconds,
      p50Ms: summary.p50Us / 1000,
      p99Ms: summary.p99Us / 1000,
      cpuUsPerRequest: summary.requests === 0 ? null : (cpu * 1000) / summary.requests,
      cpuShare: cpu / 1000 / durationSeconds,
      rssMaxBytes: rssMax,
    };
  } finally {
    clearInterval(sampler);
  }
}

function median(values) {
  const sorted = values.filter((v) => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function runNodeLine(node, options, sink, log) {
  const all = options.baseline === undefined ? variants : [...variants, ...baselineVariants()];
  const selected = all.filter(
    (v) =>
      (v.nodes ?? ['24', '22']).includes(node) &&
      (options.only.length === 0 || options.only.includes(v.name.replace(/@baseline$/u, ''))),
  );
  const cells = [];
  const failures = [];
  const servers = [];
  for (const variant of selected) {
    try {
      servers.push(await startServer(variant, node, sink.port));
    } catch (error) {
      failures.push(error.message);
    }
  }
  try {
    log(`Node ${node}: ${servers.length} servers up; warming up`);
    const warmS = Math.max(1, Math.ceil(options.durationS / 2));
    for (const server of servers) {
      for (const scenario of Object.keys(scenarios)) {
        await wrk(server.port, requestOf(server.variant, scenario), 50, warmS).catch((error) => {
          failures.push(`${server.variant.name} (Node ${node}) warm-up: ${error.message}`);
        });
      }
    }
    let turn = 0;
    for (let round = 1; round <= options.rounds; round += 1) {
      for (const connections of options.connections) {
        for (const scenario of Object.keys(scenarios)) {
          const order = servers.map((_, index) => servers[(index + turn) % servers.length]);
          turn += 1;
          for (const server of order) {
            if (server.exited()) {
              failures.push(`${server.variant.name} (Node ${node}) exited: ${server.stderr().trim()}`);
              continue;
            }
            try {
              const result = await measureCell(server, scenario, connections, options.durationS);
              cells.push({ node, round, variant: server.variant.name, scenario, connections, ...result });
              if (result.errors > 0)
                failures.push(
                  `${server.variant.name} (Node ${node}) ${scenario} at ${connections}: ${result.errors} errors ${JSON.stringify(result.errorKinds)}.`,
                );
              log(
                `  ${server.variant.name.padEnd(20)} ${scenario.padEnd(5)} c=${String(connections).padEnd(3)} ` +
                  `${result.rps.toFixed(0).padStart(6)} req/s  p99 ${result.p99Ms.toFixed(2)} ms  ` +
                  `${result.cpuUsPerRequest?.toFixed(1)} µs CPU/req`,
              );
            } catch (error) {
              failures.push(
                `${server.variant.name} (Node ${node}) ${scenario} at ${connections}: ${error.message}`,
              );
            }
          }
        }
      }
    }
  } finally {
    await Promise.all(servers.map(stopServer));
  }
  const versions = Object.fromEntries(
    [node].map((line) => [line, execFileSync(nodeLines[line], ['--version'], { encoding: 'utf8' }).trim()]),
  );
  return { cells, failures, version: versions[node], variants: selected.map((v) => v.name) };
}

/** Medians over rounds, per node, variant, scenario and connections. */
function summarise(cells) {
  const groups = new Map();
  for (const cell of cells) {
    const key = `${cell.node}|${cell.variant}|${cell.scenario}|${cell.connections}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(cell);
  }
  return [...groups.values()].map((group) => {
    const [first] = group;
    return {
      node: first.node,
      variant: first.variant,
      scenario: first.scenario,
      connections: first.connections,
      rounds: group.length,
      rps: median(group.map((c) => c.rps)),
      p50Ms: median(group.map((c) => c.p50Ms)),
      p99Ms: median(group.map((c) => c.p99Ms)),
      cpuUsPerRequest: median(group.map((c) => c.cpuUsPerRequest)),
      rssMaxBytes: median(group.map((c) => c.rssMaxBytes)),
      errors: group.reduce((sum, c) => sum + c.errors, 0),
    };
  });
}

const options = parseArgs(process.argv.slice(2));
for (const node of options.nodes) {
  if (!existsSync(nodeLines[node])) {
    process.stderr.write(
      `Node ${node} is missing at ${nodeLines[node]}; run npm ci at the repository root.\n`,
    );
    process.exit(1);
  }
}
if (!existsSync(join(here, 'node_modules', '@hono', 'node-server'))) {
  process.stderr.write('The peer servers are not installed; run prepare.mjs in this folder first.\n');
  process.exit(1);
}
if (options.baseline !== undefined) prepareBaselineServers(options.baseline);
const log = (line) => process.stdout.write(`${line}\n`);
const started = new Date();
const loadAtStart = loadavg();
const sink = await startSink();
const cells = [];
const failures = [];
const nodes = {};
try {
  for (const node of options.nodes) {
    const line = await runNodeLine(node, options, sink, log);
    cells.push(...line.cells);
    failures.push(...line.failures);
    nodes[node] = { version: line.version, variants: line.variants };
  }
} finally {
  sink.close();
}
const result = {
  schema: 'thaw-warm-path',
  version: 1,
  startedAt: started.toISOString(),
  finishedAt: new Date().toISOString(),
  environment: {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cpus: cpus().length,
    loadAverageAtStart: loadAtStart.map((l) => Number(l.toFixed(2))),
    loadAverageAtEnd: loadavg().map((l) => Number(l.toFixed(2))),
    // `wrk --version` prints its version, then its usage, and exits 1.
    loadGenerator:
      (spawnSync('wrk', ['--version'], { encoding: 'utf8' }).stdout ?? '').split(' [')[0].trim() || 'wrk',
  },
  options: {
    durationS: options.durationS,
    rounds: options.rounds,
    connections: options.connections,
    nodes: options.nodes,
    threads: 1,
  },
  nodes,
  variants: variants.map(({ name, what }) => ({ name, what })),
  // Which build the `@baseline` variants ran, when they did (a label, never a machine path).
  ...(options.baseline === undefined
    ? {}
    : {
        baseline: {
          label: options.baselineLabel ?? 'another build',
          version: JSON.parse(readFileSync(join(options.baseline, 'package.json'), 'utf8')).version,
        },
      }),
  echoBodyBytes: Buffer.byteLength(echoBody),
  targets,
  summary: summarise(cells),
  cells,
  failures,
  otlpExportsReceived: sink.exports(),
};
writeFileSync(options.json, `${JSON.stringify(result, null, 2)}\n`);
const markdown = renderWarmPath(result, { headingLevel: 2 });
writeFileSync(options.md, `# Warm path: latest results\n\n${markdown}\n`);
if (options.readme) writeBetweenMarkers(join(here, 'README.md'), renderWarmPath(result, { headingLevel: 3 }));
log(`\n${markdown}`);
if (failures.length > 0) {
  process.stderr.write(`\n${failures.length} problem(s):\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
  process.exit(1);
}
