// `thaw bench imports [BENCH_FILE | --variant ...]`: the per-package CPU profile of each
// variant's cold start. Variants, probes, requests and run counts are given as for a
// measurement; --top sets how many packages each table lists.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseBenchArgs, integerFlag } from './args.ts';
import { benchHelp } from './help.ts';
import { type BenchCliIo, planOf } from './io.ts';
import { BenchError } from '../errors.ts';
import { profileImports, renderImportProfile } from '../import-profile/profile-imports.ts';

const notHere = [
  '--burst',
  '--slo',
  '--steady',
  '--concurrency',
  '--md',
  '--svg',
  '--order',
  '--seed',
  '--resamples',
];

function takeFlag(args: string[], flag: string): string | undefined {
  const at = args.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
  if (at < 0) return undefined;
  const [word] = args.splice(at, 1) as [string];
  if (word.includes('=')) return word.slice(flag.length + 1);
  const [value] = args.splice(at, 1);
  if (value === undefined)
    throw new BenchError('THAW_BENCH_USAGE', `${flag} needs a value. See thaw bench --help.`);
  return value;
}

/**
 * Runs `thaw bench imports` (arguments after the word `imports`); resolves with the exit code:
 * 0 every profiled run succeeded, 1 one failed, 2 a usage or bench file error (thrown).
 *
 * @example
 * ```ts
 * process.exitCode = await runImportsCommand(['--variant', "fn=node dist/index.js", '--runs', '5'], io);
 * ```
 */
export async function runImportsCommand(args: readonly string[], io: Required<BenchCliIo>): Promise<number> {
  const rest = [...args];
  const topText = takeFlag(rest, '--top');
  const top = topText === undefined ? 15 : integerFlag(topText, '--top', 1);
  const misplaced = rest.find((a) => notHere.includes(a.split('=')[0] as string));
  if (misplaced !== undefined)
    throw new BenchError(
      'THAW_BENCH_USAGE',
      `${misplaced.split('=')[0]} does not apply to thaw bench imports. See thaw bench --help.`,
    );
  const request = parseBenchArgs(rest, io.cwd);
  if (request.help) {
    io.stdout.write(benchHelp);
    return 0;
  }
  const plan = await planOf(request, io);
  const { runs, warmupRuns, ...bench } = request.options;
  const toStdout = request.jsonStdout || request.json === '-';
  const log = toStdout ? io.stderr : io.stdout;
  const result = await profileImports(plan, {
    ...(runs === undefined ? {} : { runs }),
    ...(warmupRuns === undefined ? {} : { warmupRuns }),
    bench,
    ...(request.quiet
      ? {}
      : {
          onRun: (e) => io.stderr.write(`  [${e.index}/${e.total}] ${e.variant}${e.ok ? '' : ' failed'}\n`),
        }),
  });
  log.write(renderImportProfile(result, top));
  const text = `${JSON.stringify(result, null, 2)}\n`;
  if (request.json !== undefined && request.json !== '-') {
    writeFileSync(resolve(io.cwd, request.json), text);
    log.write(`Wrote ${request.json}\n`);
  }
  if (toStdout) io.stdout.write(text);
  return result.variants.some((v) => v.failures.length > 0) ? 1 : 0;
}
