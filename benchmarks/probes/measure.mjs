// Readiness probes as Knative's queue-proxy sends them (a fresh connection every 50 ms, 100 ms
// timeout), thaw beside a bare node:http server with the same initializer and handler, both
// under the same load at the same time. Three scenarios: (a) I/O-bound load during and after a
// 1.5 s critical init, (b) the same with each server in a container limited to 500m CPU, (c)
// CPU-bound handlers at several concurrencies. Every probe of a scenario's rounds is pooled.
// The harness is the reliability suite's (test/reliability/support/probe-scenario.ts), which
// asserts the contract; this script publishes the figures.
//
// node benchmarks/probes/measure.mjs [--rounds N] [--no-containers] [--json-file FILE] [--md-file FILE]
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fixtureImage } from '../../test/reliability/support/fixture-image.ts';
import {
  ioBoundProbeLoad,
  poolProbes,
  runProbeScenario,
  withoutLatencies,
} from '../../test/reliability/support/probe-scenario.ts';
import {
  containerProbeTarget,
  probeFixtures,
  spawnProbeTarget,
} from '../../test/reliability/support/probe-targets.ts';
import { renderProbes } from './report.mjs';

const here = import.meta.dirname;

function parseArgs(argv) {
  const out = {
    rounds: 3,
    containers: true,
    json: join(here, 'results', 'latest.json'),
    md: join(here, 'results', 'latest.md'),
  };
  for (let index = 0; index < argv.length; index += 1) {
    const flag = argv[index];
    if (flag === '--no-containers') {
      out.containers = false;
      continue;
    }
    const value = argv[index + 1];
    index += 1;
    if (flag === '--rounds' && Number.isInteger(Number(value)) && Number(value) > 0)
      out.rounds = Number(value);
    else if (flag === '--json-file' && value !== undefined) out.json = value;
    else if (flag === '--md-file' && value !== undefined) out.md = value;
    else {
      process.stderr.write(
        `Unknown argument "${flag}". Usage: measure.mjs [--rounds N] [--no-containers] [--json-file FILE] [--md-file FILE]\n`,
      );
      process.exit(2);
    }
  }
  return out;
}

/** CPU-bound handlers: 4 ms of CPU, then 10–20 ms of I/O, at each concurrency. */
const cpuBurnMs = 4;
const cpuConcurrencies = [5, 10, 20, 50, 100];

async function scenario(name, description, load, rounds, start) {
  const runs = [];
  for (let round = 0; round < rounds; round += 1) {
    process.stdout.write(`  ${name}: round ${round + 1} of ${rounds}\n`);
    runs.push(await runProbeScenario(load, start));
  }
  return {
    name,
    description,
    load,
    thaw: poolProbes(runs, 'thaw'),
    bare: poolProbes(runs, 'bare'),
    runs: runs.map(withoutLatencies),
  };
}

const options = parseArgs(process.argv.slice(2));
const environment = {
  node: process.versions.node,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  cpus: cpus().length,
  loadAverage: loadavg().map((value) => Math.round(value * 100) / 100),
};
const scenarios = [];
scenarios.push(
  await scenario(
    'a',
    'I/O-bound handlers (a 200 ms wait), 100 keep-alive clients from the first instant, during and after a 1.5 s critical init',
    ioBoundProbeLoad,
    options.rounds,
    spawnProbeTarget,
  ),
);
if (options.containers) {
  const image = await fixtureImage([probeFixtures.thaw, probeFixtures.bare]);
  try {
    scenarios.push(
      await scenario(
        'b',
        'the same, each server in its own container limited to 500m CPU (podman + runc)',
        ioBoundProbeLoad,
        options.rounds,
        (kind) => containerProbeTarget(image, kind, 0.5),
      ),
    );
  } finally {
    await image.dispose();
  }
}
for (const clients of cpuConcurrencies) {
  scenarios.push(
    await scenario(
      `c${clients}`,
      `CPU-bound handlers (${cpuBurnMs} ms of CPU, then 10–20 ms of I/O), ${clients} keep-alive clients`,
      { clients, durationMs: 4_000, burnMs: cpuBurnMs, waitMs: [10, 20] },
      options.rounds,
      spawnProbeTarget,
    ),
  );
}
const result = {
  schema: 'thaw-probes',
  generatedAt: new Date().toISOString(),
  environment,
  rounds: options.rounds,
  cpuBurnMs,
  scenarios,
};
writeFileSync(options.json, `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(options.md, `${renderProbes(result)}\n`);
process.stdout.write(`Wrote ${options.json} and ${options.md}.\n`);
