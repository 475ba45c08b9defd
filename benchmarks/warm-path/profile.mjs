// Where a loaded server spends its CPU: starts one warm-path server under `node --cpu-prof`,
// drives it with wrk, stops it (the profile is written at exit) and prints the functions with the
// most self time, grouped by function and file.
//
// node benchmarks/warm-path/profile.mjs VARIANT-FILE [--scenario hello|echo] [--duration S]
//   [--warmup S] [--connections N] [--top N] [--keep DIR] [--node 24|22] [--traced] [--preload FILE]
//   e.g. node benchmarks/warm-path/profile.mjs thaw-web.mjs --scenario echo
//        node benchmarks/warm-path/profile.mjs thaw-web.mjs --traced          (THAW_OTEL=1, OTLP to a local sink)
//        node benchmarks/warm-path/profile.mjs node-http.cjs --traced --preload otel-preload.mjs
//
// Besides the top functions it prints the busy samples by origin: the runtime's own files, each
// package under node_modules, the benchmark's servers, Node's internals and the engine (GC,
// native code), so that what thaw itself costs reads as one figure.
import { spawn } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const here = import.meta.dirname;
const repoRoot = join(here, '..', '..');
const nodeLines = {
  24: join(repoRoot, 'node_modules', 'node', 'bin', 'node'),
  22: join(repoRoot, 'node_modules', 'node22', 'bin', 'node'),
};

const args = process.argv.slice(2);
const file = args.shift();
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index === -1 ? fallback : args[index + 1];
};
if (file === undefined || file.startsWith('--')) {
  process.stderr.write(
    'Usage: profile.mjs VARIANT-FILE [--scenario hello|echo] [--duration S] [--warmup S] [--connections N] [--top N] [--keep DIR] [--node 24|22] [--traced] [--preload FILE]\n',
  );
  process.exit(2);
}
const scenario = option('--scenario', 'hello');
const durationS = Number(option('--duration', '5'));
const connections = Number(option('--connections', '50'));
const top = Number(option('--top', '25'));
const keep = option('--keep', undefined);
const warmupS = Number(option('--warmup', '0'));
const node = nodeLines[option('--node', '24')];
const traced = args.includes('--traced');
const preload = option('--preload', undefined);
if (node === undefined) {
  process.stderr.write('Invalid --node: expected 24 or 22.\n');
  process.exit(2);
}
const cloudEvent = file.includes('cloud-events');

const body = JSON.stringify({
  orderId: 'ord_5f3a9c1e',
  items: [{ sku: 'sku-1001', quantity: 2 }],
  note: 'x'.repeat(200),
});
const ce = 'ce-specversion: 1.0\nce-id: p-1\nce-type: com.example.order\nce-source: /load';
const request =
  scenario === 'hello'
    ? cloudEvent
      ? { method: 'POST', path: '/', headers: ce, body: '' }
      : { method: 'GET', path: '/hello', headers: '', body: '' }
    : {
        method: 'POST',
        path: cloudEvent ? '/' : '/echo',
        headers: `content-type: application/json${cloudEvent ? `\n${ce}` : ''}`,
        body,
      };

const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});
// With --traced, spans go to a local OTLP receiver that reads each export and answers 200, as in
// measure.mjs.
const sink = traced
  ? await new Promise((resolve) => {
      const receiver = createHttpServer((incoming, outgoing) => {
        incoming.resume();
        incoming.on('end', () => {
          outgoing.writeHead(200, { 'content-type': 'application/json' });
          outgoing.end('{}');
        });
      });
      receiver.listen(0, '127.0.0.1', () => resolve(receiver));
    })
  : undefined;
const tracedEnv =
  sink === undefined
    ? {}
    : {
        THAW_OTEL: '1',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sink.address().port}`,
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
      };
const dir = keep ?? mkdtempSync(join(tmpdir(), 'warm-path-profile-'));
const server = spawn(
  node,
  [
    '--cpu-prof',
    '--cpu-prof-dir',
    dir,
    '--import',
    './exit-on-sigterm.mjs',
    ...(preload === undefined ? [] : ['--import', `./${preload}`]),
    file,
  ],
  {
    cwd: join(here, 'servers'),
    env: { ...process.env, ...tracedEnv, PORT: String(port), NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
const exited = new Promise((resolve) => server.once('exit', resolve));

function wrk(seconds) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'wrk',
      [
        '-t1',
        `-c${connections}`,
        `-d${seconds}s`,
        '-s',
        join(here, 'load.lua'),
        `http://127.0.0.1:${port}${request.path}`,
      ],
      {
        env: {
          ...process.env,
          WARM_METHOD: request.method,
          WARM_BODY: request.body,
          WARM_HEADERS: request.headers,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('close', () => {
      const line = output.split('\n').find((l) => l.startsWith('WRK_JSON '));
      resolve(line === undefined ? undefined : JSON.parse(line.slice(9)));
    });
  });
}

for (let attempt = 0; ; attempt += 1) {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${request.path}`, {
      method: request.method,
      headers: Object.fromEntries(
        request.headers
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split(': ')),
      ),
      body: request.body === '' ? undefined : request.body,
    });
    await response.arrayBuffer();
    break;
  } catch (error) {
    if (attempt > 200) throw error;
    await sleep(50);
  }
}
if (warmupS > 0) await wrk(warmupS);
const summary = await wrk(durationS);
server.kill('SIGTERM');
await exited;
sink?.close();

/** Where a function comes from: the runtime, a package, the servers, Node itself or the engine. */
function originOf(url, functionName) {
  if (url === '') return functionName === '(idle)' ? '(idle)' : `engine ${functionName || '(anonymous)'}`;
  if (url.startsWith('node:')) return 'node internals';
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  const packageAt = path.lastIndexOf('/node_modules/');
  if (packageAt !== -1) {
    const rest = path.slice(packageAt + '/node_modules/'.length).split('/');
    const name = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    return name === '@thaw/runtime' ? '@thaw/runtime' : `package ${name}`;
  }
  if (path.includes('/packages/runtime/')) return '@thaw/runtime';
  if (path.includes('/servers/')) return 'benchmark servers';
  return relative(repoRoot, path);
}

const profileFile = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
if (profileFile === undefined) {
  process.stderr.write(`No profile was written to ${dir}.\n`);
  process.exit(1);
}
const profile = JSON.parse(readFileSync(join(dir, profileFile), 'utf8'));
const selfTicks = new Map();
for (const sample of profile.samples) selfTicks.set(sample, (selfTicks.get(sample) ?? 0) + 1);
const byName = new Map();
const byOrigin = new Map();
let total = 0;
for (const nodeEntry of profile.nodes) {
  const ticks = selfTicks.get(nodeEntry.id) ?? 0;
  if (ticks === 0) continue;
  const { functionName, url, lineNumber } = nodeEntry.callFrame;
  const where =
    url === ''
      ? ''
      : ` ${url.startsWith('file://') ? relative(repoRoot, new URL(url).pathname) : url}:${lineNumber + 1}`;
  const key = `${functionName || '(anonymous)'}${where}`;
  byName.set(key, (byName.get(key) ?? 0) + ticks);
  const origin = originOf(url, functionName);
  byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + ticks);
  total += ticks;
}
const idle = [...byName.entries()]
  .filter(([name]) => name.startsWith('(idle)'))
  .reduce((sum, [, t]) => sum + t, 0);
const busy = total - idle;
process.stdout.write(
  `${file} ${scenario} at ${connections} connections: ${summary === undefined ? '?' : Math.round(summary.requests / (summary.durationUs / 1e6))} req/s; ` +
    `${busy} busy samples (idle excluded)\n\n`,
);
for (const [name, ticks] of [...byName.entries()]
  .filter(([n]) => !n.startsWith('(idle)'))
  .sort((a, b) => b[1] - a[1])
  .slice(0, top)) {
  process.stdout.write(`${((100 * ticks) / busy).toFixed(1).padStart(5)}%  ${name}\n`);
}
process.stdout.write('\nBy origin:\n');
for (const [origin, ticks] of [...byOrigin.entries()]
  .filter(([o]) => o !== '(idle)')
  .sort((a, b) => b[1] - a[1])) {
  process.stdout.write(`${((100 * ticks) / busy).toFixed(1).padStart(5)}%  ${origin}\n`);
}
if (keep === undefined) rmSync(dir, { recursive: true, force: true });
else process.stdout.write(`\nProfile: ${join(dir, profileFile)}\n`);
