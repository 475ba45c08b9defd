// The CPU time of `import '@thaw/runtime'` alone, measured inside fresh processes: each run
// imports node:http first (as every variant of cpu-to-first-response.mjs does), then reads
// process.cpuUsage() around the import of one build. Without the ~80 ms of Node's own startup
// around it, a difference of a millisecond between two builds stands out of the noise that hides
// it in spawn-to-first-response figures.
//
//   node benchmarks/runtime-overhead/import-cpu.mjs [--runs 40] [name=path/to/dist/index.js ...]
//
// Without builds named, it measures the workspace's packages/runtime/dist. Builds are
// interleaved run by run; medians with quartiles and bootstrap 95% intervals are printed, and
// for every build after the first the first's median ÷ its median (above 1: it imports in less
// CPU) with its interval. `other` as a path is the runtime of the checkout THAW_OTHER_BUILD names
// (see ../support/other-build.mjs). Linux or macOS.
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { medianCi, ratioCi } from '../support/bootstrap.mjs';
import { otherBuildDir, runtimeEntryOf } from '../support/other-build.mjs';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt === -1 ? 40 : Number(args[runsAt + 1]);
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`--runs must be a positive integer, got ${args[runsAt + 1]}.`);
const named = args.filter((arg, index) => !arg.startsWith('--') && args[index - 1] !== '--runs');
const workspaceBuild = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'packages',
  'runtime',
  'dist',
  'index.js',
);
const builds = (named.length === 0 ? [`workspace=${workspaceBuild}`] : named).map((arg) => {
  const at = arg.indexOf('=');
  if (at < 1) throw new Error(`A build is name=path/to/dist/index.js, got ${arg}.`);
  const path = arg.slice(at + 1) === 'other' ? runtimeEntryOf(otherBuildDir()) : resolve(arg.slice(at + 1));
  return { name: arg.slice(0, at), url: pathToFileURL(path).href };
});

const script = (url) => `await import('node:http');
const before = process.cpuUsage();
await import(${JSON.stringify(url)});
const spent = process.cpuUsage(before);
console.log((spent.user + spent.system) / 1000);`;

const samples = new Map(builds.map((build) => [build.name, []]));
for (let round = -2; round < runs; round += 1) {
  for (const build of builds) {
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script(build.url)], {
      encoding: 'utf8',
    });
    if (round >= 0) samples.get(build.name).push(Number(output.trim()));
  }
}

const quantile = (sorted, q) => {
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (at - low);
};
console.log(
  `${runs} runs per build, interleaved; Node ${process.version}; load ${loadavg()
    .map((load) => load.toFixed(2))
    .join(' ')}`,
);
console.log(
  'build                        import CPU ms: median   (quartiles)     [95% CI]         first ÷ this [95% CI]',
);
const first = samples.get(builds[0].name);
for (const [name, values] of samples) {
  const sorted = [...values].sort((a, b) => a - b);
  const { low, high } = medianCi(values);
  const ratio = values === first ? undefined : ratioCi(first, values);
  console.log(
    `${name.padEnd(28)} ${quantile(sorted, 0.5).toFixed(2).padStart(8)}   (${quantile(sorted, 0.25).toFixed(2)}–${quantile(sorted, 0.75).toFixed(2)})`.padEnd(
      58,
    ) +
      `[${low.toFixed(2)}–${high.toFixed(2)}]`.padEnd(17) +
      (ratio === undefined
        ? ''
        : `${ratio.ratio.toFixed(3)} [${ratio.low.toFixed(3)}–${ratio.high.toFixed(3)}]`),
  );
}
