// The terminal summary: aligned tables, the verdicts, and every failure with its stderr tail.
import { type BenchResult } from '../bench.ts';
import { type Section, failureLines, sections, verdictLines } from './rows.ts';

/** Renders one section as aligned plain-text columns. */
export function renderTextSection(section: Section): string {
  const all = [section.headers, ...section.rows];
  const widths = section.headers.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, c) =>
        section.numeric.includes(c) ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [section.title, line(section.headers), rule, ...section.rows.map(line)].join('\n');
}

/** A one-line description of how the benchmark ran. */
export function describeSetup(result: BenchResult): string {
  const o = result.options;
  const e = result.environment;
  const floor = result.summary.sloFloor;
  const objective =
    floor === undefined
      ? `${o.sloMs} ms`
      : `${floor.variant}'s p99 + ${floor.marginMs} ms = ${floor.sloMs.toFixed(0)} ms`;
  const mode = o.burst > 0 ? `burst of ${o.burst}, objective ${objective}` : 'cold start';
  const probing = [result.probing?.process, result.probing?.knative].filter((p) => p !== undefined);
  const probe =
    probing.length === 0 ? `probe every ${o.probeIntervalMs} ms` : `probing ${probing.join('; ')}`;
  return `${mode}; ${o.runs} measured runs per variant after ${o.warmupRuns} warm-up, ${o.order} order, ${probe}, seed ${o.seed}; Node ${e.node}, ${e.platform}/${e.arch}, ${e.cpus} CPUs, load ${e.loadAverage.join(' ')}`;
}

/**
 * The summary as terminal text.
 *
 * @example
 * ```ts
 * process.stdout.write(renderTable(await runBench(plan)));
 * ```
 */
export function renderTable(result: BenchResult): string {
  const parts = [describeSetup(result), ...sections(result).map(renderTextSection)];
  const verdicts = verdictLines(result);
  if (verdicts.length > 0)
    parts.push(
      [
        'Verdicts (ratio of medians vs the baseline, bootstrap 95% CI)',
        ...verdicts.map((v) => `  ${v}`),
      ].join('\n'),
    );
  const failures = failureLines(result);
  if (failures.length > 0) {
    parts.push(
      [
        'Failed runs',
        ...failures.flatMap((f) => [
          `  ${f.headline}`,
          ...(f.stderrTail.trim() === ''
            ? ['    (no stderr)']
            : f.stderrTail
                .trimEnd()
                .split('\n')
                .slice(-10)
                .map((l) => `    │ ${l}`)),
        ]),
      ].join('\n'),
    );
  }
  return `${parts.join('\n\n')}\n`;
}
