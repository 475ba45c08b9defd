// On a busy machine, wall-clock cold starts swing by tens of percent with the load. This measures
// what the load barely moves: the CPU time a variant's main thread spends from spawn to its first
// response, read from Linux's per-thread scheduler statistics (nanoseconds). It complements
// `thaw bench` (which times wall clock); it does not replace it.
//
//   node benchmarks/runtime-overhead/cpu-to-first-response.mjs [--runs 20] [--samples out.json] [bench-file]
//
// Variants, commands and env come from the bench file (default: thaw.bench.json beside this
// file); the first variant marked "baseline" is the reference of the ratios. A variant's `cwd`
// may be another checkout's copy of this folder, so two builds of the runtime can be variants of
// one run (../support/other-build.mjs writes such a bench file). The ratios to the baseline come
// with bootstrap 95% intervals. `--samples` writes every sample of every variant as JSON. Linux
// only.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, ratioCi } from '../support/bootstrap.mjs';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt === -1 ? 20 : Number(args[runsAt + 1]);
const samplesAt = args.indexOf('--samples');
const samplesFile = samplesAt === -1 ? undefined : resolve(args[samplesAt + 1]);
const positional = args.filter(
  (arg, index) => !arg.startsWith('--') && args[index - 1] !== '--runs' && args[index - 1] !== '--samples',
);
const benchFile = resolve(positional[0] ?? join(dirname(fileURLToPath(import.meta.url)), 'thaw.bench.json'));
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`--runs must be a positive integer, got ${args[runsAt + 1]}.`);
if (process.platform !== 'linux') throw new Error('This measurement reads /proc and runs on Linux only.');
const bench = JSON.parse(readFileSync(benchFile, 'utf8'));
const variants = bench.variants;
const baseline = variants.find((variant) => variant.baseline === true) ?? variants[0];

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const freePort = () =>
  new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
const accepts = (port) =>
  new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.on('error', () => done(false));
  });
const get = (port, variant) =>
  new Promise((done, fail) => {
    const { method = 'GET', path = '/' } = variant.request ?? {};
    const req = request({ host: '127.0.0.1', port, method, path, agent: false }, (response) => {
      response.resume();
      response.on('end', () => done(response.statusCode));
    });
    req.on('error', fail);
    req.end();
  });
/** Nanoseconds on the CPU: the main thread, and all threads. */
const cpuOf = (pid) => {
  const ns = (file) => Number(readFileSync(file, 'utf8').split(' ')[0]);
  const main = ns(`/proc/${pid}/task/${pid}/schedstat`);
  let all = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      all += ns(`/proc/${pid}/task/${task}/schedstat`);
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return { main, all };
};

async function once(variant) {
  const port = await freePort();
  const command = variant.command.map((part, index) =>
    index === 0 && part === 'node' ? process.execPath : part,
  );
  const started = performance.now();
  const child = spawn(command[0], command.slice(1), {
    cwd: resolve(dirname(benchFile), variant.cwd ?? '.'),
    env: { ...process.env, ...variant.env, PORT: String(port) },
    stdio: 'ignore',
  });
  const exited = new Promise((done) => child.once('exit', done));
  try {
    const deadline = started + (bench.timeoutMs ?? 10_000);
    while (!(await accepts(port))) {
      if (performance.now() > deadline) throw new Error(`${variant.name} did not listen in time.`);
      await sleep(2);
    }
    const status = await get(port, variant);
    const firstResponseMs = performance.now() - started;
    const cpu = cpuOf(child.pid);
    if (status !== 200) throw new Error(`${variant.name} answered ${status}.`);
    return { firstResponseMs, mainCpuMs: cpu.main / 1e6, allCpuMs: cpu.all / 1e6 };
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

const results = new Map(variants.map((variant) => [variant.name, []]));
for (let round = -(bench.warmupRuns ?? 2); round < runs; round += 1) {
  for (const variant of variants) {
    const sample = await once(variant);
    if (round >= 0) results.get(variant.name).push(sample);
  }
}
if (samplesFile !== undefined) writeFileSync(samplesFile, `${JSON.stringify(Object.fromEntries(results))}\n`);
const base = results.get(baseline.name);
const mainOf = (samples) => samples.map((sample) => sample.mainCpuMs);
const wallOf = (samples) => samples.map((sample) => sample.firstResponseMs);
console.log(
  `${runs} runs per variant, interleaved; Node ${process.version}; load ${(await import('node:os'))
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(' ')}`,
);
console.log(
  'variant                      main-thread CPU ms (baseline ÷ variant [95% CI])   all threads CPU ms   wall ms (baseline ÷ variant [95% CI])',
);
const ratioText = ({ ratio, low, high }) => `${ratio.toFixed(3)} [${low.toFixed(3)}–${high.toFixed(3)}]`;
for (const [name, samples] of results) {
  const main = median(mainOf(samples));
  const all = median(samples.map((sample) => sample.allCpuMs));
  const wall = median(wallOf(samples));
  console.log(
    `${name.padEnd(28)} ${main.toFixed(1).padStart(8)} (${ratioText(ratioCi(mainOf(base), mainOf(samples)))})`.padEnd(
      80,
    ) +
      `${all.toFixed(1).padStart(8)}`.padEnd(21) +
      `${wall.toFixed(1).padStart(8)} (${ratioText(ratioCi(wallOf(base), wallOf(samples)))})`,
  );
}
