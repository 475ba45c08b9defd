// A critical pg and Redis init step by step: `node breakdown.mjs [--runs N]` starts shape (a)
// (out/a-web, from prepare.mjs) N times with the early connection on and N times off,
// alternating, each with the socket-timeline.mjs preload, and writes the median of each step
// (ms since process start) to results/breakdown.{json,md}. The preload adds a little to every
// step; the harness's figures (thaw.bench.json) are the ones without it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

const topicDir = import.meta.dirname;
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg === -1 ? 8 : Number(process.argv[runsArg + 1]);

const get = (port, path) =>
  new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.end();
  });

async function runOnce(early, port) {
  const child = spawn(process.execPath, ['--import', './socket-timeline.mjs', 'out/a-web/index.js'], {
    cwd: topicDir,
    env: {
      ...process.env,
      PORT: String(port),
      K_SERVICE: 'connect',
      EARLY_CONNECT: early ? '1' : '0',
      NODE_COMPILE_CACHE: 'out/a-web/compile-cache',
      NODE_COMPILE_CACHE_PORTABLE: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const deadline = Date.now() + 20_000;
  while ((await get(port, '/readyz')) !== 200 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 5));
  await get(port, '/');
  await new Promise((r) => setTimeout(r, 200));
  child.kill('SIGTERM');
  await once(child, 'exit');
  const report = JSON.parse(stdout.split('\n').find((line) => line.includes('"thaw.startup"')));
  const timeline = JSON.parse(
    stderr
      .split('\n')
      .find((line) => line.startsWith('thaw-socket-timeline '))
      .slice(21),
  );
  return steps(report, timeline);
}

function steps(report, { drivers, sockets }) {
  const phase = (name) => report.phases.find((p) => p.name === name);
  const pg = sockets.find((s) => s.port === 5432);
  const redis = sockets.find((s) => s.port === 6379);
  const reads = (s, head) => s.events.filter((e) => e.read !== undefined && e.head === head);
  const firstWrite = (s) => s.events.find((e) => e.write !== undefined)?.at;
  return {
    listening: report.milestones.listeningMs,
    'init start': phase('init postgres').startMs,
    'redis: socket created': redis.created,
    'pg: socket created': pg.created,
    'ioredis: load start': drivers.ioredis.loadStart,
    'ioredis: load end': drivers.ioredis.loadEnd,
    'pg: load start': drivers.pg.loadStart,
    'pg: load end': drivers.pg.loadEnd,
    'redis: connect event': redis.connected,
    'redis: first command sent': firstWrite(redis),
    'redis: HELLO answered': reads(redis, '%')[0]?.at,
    'redis: INFO (ready check) answered': reads(redis, '=')[0]?.at,
    'redis: PING (thaw check) answered': reads(redis, '+')[0]?.at,
    'init redis end': phase('init redis').endMs,
    'pg: connect event': pg.connected,
    'pg: startup message sent': firstWrite(pg),
    'pg: authenticated, ready for query': reads(pg, 'R')[0]?.at,
    'pg: SELECT 1 (thaw check) answered': reads(pg, 'T')[0]?.at,
    'init postgres end': phase('init postgres').endMs,
    ready: report.milestones.readyMs,
  };
}

const median = (values) => {
  const sorted = values.filter((v) => typeof v === 'number').sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const samples = { early: [], late: [] };
for (let i = 0; i < runs; i += 1) {
  for (const early of i % 2 === 0 ? [true, false] : [false, true]) {
    samples[early ? 'early' : 'late'].push(await runOnce(early, 18_500 + (i % 50)));
    process.stderr.write('.');
  }
}
process.stderr.write('\n');
const medians = Object.fromEntries(
  Object.entries(samples).map(([variant, list]) => [
    variant,
    Object.fromEntries(Object.keys(list[0]).map((step) => [step, median(list.map((s) => s[step]))])),
  ]),
);
const environment = {
  node: process.version,
  cpus: cpus().length,
  load: loadavg()
    .map((l) => l.toFixed(2))
    .join(' '),
};
mkdirSync(join(topicDir, 'results'), { recursive: true });
writeFileSync(
  join(topicDir, 'results', 'breakdown.json'),
  `${JSON.stringify({ runs, environment, medians, samples }, null, 2)}\n`,
);
const fmt = (v) => (v === undefined ? '–' : v.toFixed(1));
const lines = [
  '## A critical pg and Redis init, step by step',
  '',
  `Shape (a), ${runs} runs per variant, alternating; medians of ms since process start, with the socket-timeline preload; Node ${environment.node}, ${environment.cpus} CPUs, load ${environment.load}.`,
  '',
  '| step | early connection off | early connection on |',
  '| --- | ---: | ---: |',
  ...Object.keys(medians.late).map(
    (step) => `| ${step} | ${fmt(medians.late[step])} | ${fmt(medians.early[step])} |`,
  ),
  '',
];
writeFileSync(join(topicDir, 'results', 'breakdown.md'), lines.join('\n'));
process.stdout.write(lines.join('\n'));
