// Another build of thaw as variants of the same run: a second checkout of this repository (an
// earlier commit, built there with `npm run build` and the topic's prepare step), named by
// `--other DIR` or the THAW_OTHER_BUILD environment variable. From a bench file it writes a bench
// file that holds every variant as before plus, for each variant named, a copy `<name>@<label>`
// that runs the same command in the same folder of the other checkout — so it imports that
// checkout's @thaw/runtime (its node_modules link) or starts that checkout's deploy folders.
// `thaw bench` and cpu-to-first-response.mjs then interleave the two builds run by run, and a
// difference between them is read from one run on one machine instead of from results committed
// at another time.
//
//   node benchmarks/support/other-build.mjs [--other DIR] [--label old] [--baseline NAME]
//     [--out FILE] BENCH_FILE VARIANT...
//
// Without VARIANT every variant gets its copy. `--baseline NAME` marks that variant (for example
// `thaw@old`) as the run's baseline, so the harness's ratios are the other build's median ÷ this
// build's, with their bootstrap intervals. The derived file goes to `--out`, by default to
// `out/<bench file name>.<label>.json` in the bench file's folder (ignored by git); its `cwd`s are
// absolute. The path is printed.
//
//   node benchmarks/support/other-build.mjs --pairs RESULTS.json [--label old]
//
// reads the results of such a run (a `thaw bench --json` file, or the `--samples` file of
// cpu-to-first-response.mjs) and prints, for every variant and its `@<label>` copy, both medians
// of each measure and the other build's median ÷ this build's, with its bootstrap 95% interval
// (above 1: this build is faster or smaller; an interval that includes 1: no measurable
// difference).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, ratioCi } from './bootstrap.mjs';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The other checkout: `dir`, else THAW_OTHER_BUILD. Throws unless it holds a built runtime.
 *
 * @example
 * ```js
 * const other = otherBuildDir(process.env.THAW_OTHER_BUILD); // '/src/thaw-old'
 * ```
 */
export function otherBuildDir(dir = process.env.THAW_OTHER_BUILD) {
  if (dir === undefined || dir === '') {
    throw new Error('Name the other build: --other DIR or THAW_OTHER_BUILD=DIR (a checkout of thaw, built).');
  }
  const root = resolve(dir);
  if (!existsSync(runtimeEntryOf(root))) {
    throw new Error(
      `${root} holds no built @thaw/runtime (packages/runtime/dist/index.js); run npm run build there.`,
    );
  }
  return root;
}

/**
 * The main entry of the runtime built in the checkout `root`, for import-cpu.mjs.
 *
 * @example
 * ```js
 * runtimeEntryOf(otherBuildDir()); // '<other>/packages/runtime/dist/index.js'
 * ```
 */
export function runtimeEntryOf(root) {
  return join(root, 'packages', 'runtime', 'dist', 'index.js');
}

// The command's files that must exist in the variant's folder: its script, and what --import or
// --require preloads, when given as a path.
function filesOf(command) {
  const files = [];
  for (let i = 1; i < command.length; i += 1) {
    const part = command[i];
    if (part === '--import' || part === '--require' || part === '-r') {
      const preload = command[i + 1] ?? '';
      if (preload.startsWith('.') || preload.startsWith('/')) files.push(preload);
      i += 1;
    } else if (!part.startsWith('-')) {
      files.push(part);
      break;
    }
  }
  return files;
}

/**
 * `bench` (read from `benchFile`) with copies of the variants `names` (all when empty) that run
 * in the checkout `other`. Throws when a copied variant's folder lies outside this repository or
 * its files are missing in the other checkout (that checkout's prepare step makes them).
 *
 * @example
 * ```js
 * const derived = withOtherBuild(bench, 'benchmarks/order-risk/thaw.bench.json', other, 'old', ['thaw-slimmed']);
 * ```
 */
export function withOtherBuild(bench, benchFile, other, label, names = []) {
  const benchDir = dirname(resolve(benchFile));
  const known = bench.variants.map((variant) => variant.name);
  for (const name of names) {
    if (!known.includes(name))
      throw new Error(`No variant ${name} in ${benchFile}; it has ${known.join(', ')}.`);
  }
  const absolute = (variant) => ({ ...variant, cwd: resolve(benchDir, variant.cwd ?? '.') });
  const copies = [];
  for (const variant of bench.variants.map(absolute)) {
    if (names.length > 0 && !names.includes(variant.name)) continue;
    const inRepo = relative(repoRoot, variant.cwd);
    if (inRepo.startsWith('..') || isAbsolute(inRepo)) {
      throw new Error(
        `Variant ${variant.name} runs in ${variant.cwd}, outside this repository: no counterpart.`,
      );
    }
    const cwd = join(other, inRepo);
    const command = variant.command ?? ['node', variant.entry];
    for (const file of filesOf(command)) {
      if (!existsSync(resolve(cwd, file))) {
        throw new Error(
          `${join(inRepo, file)} is missing in ${other}: run the topic's prepare step there (node ${join(inRepo, 'prepare.mjs')}).`,
        );
      }
    }
    const { baseline: _baseline, ...rest } = variant;
    copies.push({ ...rest, name: `${variant.name}@${label}`, cwd });
  }
  return { ...bench, variants: [...bench.variants.map(absolute), ...copies] };
}

/** Marks the variant `name` as the only baseline. */
export function withBaseline(bench, name) {
  if (!bench.variants.some((variant) => variant.name === name)) {
    throw new Error(`No variant ${name} to make the baseline.`);
  }
  return {
    ...bench,
    variants: bench.variants.map(({ baseline: _baseline, ...variant }) =>
      variant.name === name ? { ...variant, baseline: true } : variant,
    ),
  };
}

// The samples of each variant by measure, from harness results (measured runs that succeeded) or
// from a cpu-to-first-response.mjs samples file.
function samplesOf(results) {
  const byVariant = new Map();
  const add = (variant, measure, value) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return;
    if (!byVariant.has(variant)) byVariant.set(variant, new Map());
    const measures = byVariant.get(variant);
    if (!measures.has(measure)) measures.set(measure, []);
    measures.get(measure).push(value);
  };
  if (Array.isArray(results.runs)) {
    for (const run of results.runs) {
      if (run.warmup || !run.ok) continue;
      for (const measure of ['listeningMs', 'readyMs', 'firstResponseMs', 'cpuMs', 'rssBytes']) {
        add(run.variant, measure, run[measure]);
      }
      if (run.steady !== undefined) add(run.variant, 'steadyMedianMs', median(run.steady.latenciesMs));
    }
  } else {
    for (const [variant, samples] of Object.entries(results)) {
      for (const sample of samples)
        for (const [measure, value] of Object.entries(sample)) add(variant, measure, value);
    }
  }
  return byVariant;
}

/**
 * Each variant against its `@<label>` copy: per measure, both medians and the copy's ÷ this
 * build's, with a bootstrap 95% interval.
 *
 * @example
 * ```js
 * pairs(JSON.parse(readFileSync('latest.json', 'utf8')), 'old');
 * // [{ variant: 'thaw', measure: 'firstResponseMs', n: 40, other: 71.2, this: 63.0, ratio: 1.13, low: 1.05, high: 1.2 }, …]
 * ```
 */
export function pairs(results, label) {
  const byVariant = samplesOf(results);
  const rows = [];
  for (const [name, measures] of byVariant) {
    const other = byVariant.get(`${name}@${label}`);
    if (name.includes('@') || other === undefined) continue;
    for (const [measure, values] of measures) {
      const otherValues = other.get(measure);
      if (otherValues === undefined) continue;
      const { ratio, low, high } = ratioCi(otherValues, values);
      rows.push({
        variant: name,
        measure,
        n: `${otherValues.length}/${values.length}`,
        other: median(otherValues),
        this: median(values),
        ratio,
        low,
        high,
      });
    }
  }
  return rows;
}

function printPairs(rows, label) {
  const digits = (value) =>
    Math.abs(value) >= 1e5 ? (value / 2 ** 20).toFixed(1) + ' MiB' : value.toFixed(2);
  console.log(
    `variant                  measure           runs    ${label.padEnd(12)} this build   ${label} ÷ this [95% CI]`,
  );
  for (const row of rows) {
    console.log(
      `${row.variant.padEnd(24)} ${row.measure.padEnd(17)} ${row.n.padEnd(7)} ${digits(row.other).padStart(10)}   ${digits(row.this).padStart(10)}   ` +
        `${row.ratio.toFixed(3)} [${row.low.toFixed(3)}–${row.high.toFixed(3)}]`,
    );
  }
}

function parse(args) {
  const out = {
    other: undefined,
    label: 'other',
    baseline: undefined,
    out: undefined,
    pairs: undefined,
    positional: [],
  };
  for (let i = 0; i < args.length; i += 1) {
    const flag = args[i];
    if (['--other', '--label', '--baseline', '--out', '--pairs'].includes(flag)) {
      const value = args[i + 1];
      if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value.`);
      out[flag.slice(2)] = value;
      i += 1;
    } else if (flag.startsWith('--')) throw new Error(`Unknown flag ${flag}.`);
    else out.positional.push(flag);
  }
  if (!/^[A-Za-z0-9._+-]+$/.test(out.label))
    throw new Error(`--label ${out.label}: letters, digits, ".", "_", "+" or "-".`);
  if (out.positional.length === 0 && out.pairs === undefined) {
    throw new Error(
      'usage: other-build.mjs [--other DIR] [--label old] [--baseline NAME] [--out FILE] BENCH_FILE VARIANT...',
    );
  }
  return out;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const options = parse(process.argv.slice(2));
    if (options.pairs !== undefined) {
      printPairs(pairs(JSON.parse(readFileSync(options.pairs, 'utf8')), options.label), options.label);
      process.exit(0);
    }
    const [benchFile, ...names] = options.positional;
    const bench = JSON.parse(readFileSync(benchFile, 'utf8'));
    let derived = withOtherBuild(bench, benchFile, otherBuildDir(options.other), options.label, names);
    if (options.baseline !== undefined) derived = withBaseline(derived, options.baseline);
    const outFile = resolve(
      options.out ??
        join(dirname(resolve(benchFile)), 'out', `${basename(benchFile, '.json')}.${options.label}.json`),
    );
    mkdirSync(dirname(outFile), { recursive: true });
    writeFileSync(outFile, `${JSON.stringify(derived, null, 2)}\n`);
    console.log(outFile);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
