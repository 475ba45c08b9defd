// Markdown of benchmarks/probes' results: one table per scenario family, thaw against the bare
// node:http server of the same run, and the targets' verdicts.

function ms(value) {
  if (value === undefined || value === null || Number.isNaN(value)) return '–';
  return value >= 100 ? `${value.toFixed(0)}` : value.toFixed(1);
}

function table(header, rows) {
  const align = header.map((_, index) => (index === 0 ? '---' : '--:'));
  return [header, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function row(label, figures) {
  return [
    label,
    String(figures.probes),
    String(figures.over100Ms),
    ms(figures.p50Ms),
    ms(figures.p95Ms),
    ms(figures.p99Ms),
    ms(figures.maxMs),
  ];
}

const header = ['server', 'probes', 'over 100 ms', 'p50 ms', 'p95 ms', 'p99 ms', 'slowest ms'];

/** Whether thaw met the issue's targets against the bare server of the same run. */
function verdicts(scenario) {
  const { thaw, bare } = scenario;
  const slowest = thaw.maxMs <= 1.25 * bare.maxMs + 5;
  const p99 = thaw.p99Ms <= 1.2 * bare.p99Ms;
  return [
    `0 probes over 100 ms: ${thaw.over100Ms === 0 ? '✓' : `✗ (${thaw.over100Ms}; the bare server ${bare.over100Ms})`}`,
    `slowest ≤ 1.25× bare + 5 ms: ${slowest ? '✓' : '✗'} (${ms(thaw.maxMs)} vs ${ms(1.25 * bare.maxMs + 5)})`,
    `p99 ≤ 1.2× bare: ${p99 ? '✓' : '✗'} (${ms(thaw.p99Ms)} vs ${ms(1.2 * bare.p99Ms)})`,
  ].join(' · ');
}

function loopRow(scenario) {
  const mean = (kind, key) =>
    scenario.runs.reduce((sum, run) => sum + run[kind][key], 0) / Math.max(1, scenario.runs.length);
  return `Event-loop delay inside each server (mean over rounds of each round's p99 / max): thaw ${ms(mean('thaw', 'loopDelayP99Ms'))} / ${ms(mean('thaw', 'loopDelayMaxMs'))} ms, bare ${ms(mean('bare', 'loopDelayP99Ms'))} / ${ms(mean('bare', 'loopDelayMaxMs'))} ms.`;
}

/**
 * The results as Markdown, headings at `headingLevel`.
 *
 * @example
 * ```js
 * writeFileSync('latest.md', renderProbes(JSON.parse(readFileSync('latest.json', 'utf8'))));
 * ```
 */
export function renderProbes(result, { headingLevel = 2 } = {}) {
  const h = '#'.repeat(headingLevel);
  const env = result.environment;
  const lines = [
    `${result.generatedAt.slice(0, 10)} · Node ${env.node} · ${env.cpuModel} × ${env.cpus} cores, load ${env.loadAverage[0]} at start (a shared machine) · ${result.rounds} rounds per scenario, every probe pooled`,
    '',
  ];
  for (const scenario of result.scenarios.filter((s) => !s.name.startsWith('c'))) {
    lines.push(`${h} (${scenario.name}) ${scenario.description}`, '');
    lines.push(table(header, [row('thaw', scenario.thaw), row('bare node:http', scenario.bare)]), '');
    lines.push(verdicts(scenario), '', loopRow(scenario), '');
  }
  const cpu = result.scenarios.filter((s) => s.name.startsWith('c'));
  if (cpu.length > 0) {
    lines.push(
      `${h} (c) CPU-bound handlers: ${result.cpuBurnMs} ms of CPU per request, by concurrency`,
      '',
      'A probe waits for the handler code running before it; the 0-timeouts target does not apply here. What thaw adds is the difference from the bare server.',
      '',
      table(
        [
          'clients',
          'thaw p99 ms',
          'bare p99 ms',
          'thaw slowest ms',
          'bare slowest ms',
          'thaw over 100 ms',
          'bare over 100 ms',
        ],
        cpu.map((s) => [
          String(s.load.clients),
          ms(s.thaw.p99Ms),
          ms(s.bare.p99Ms),
          ms(s.thaw.maxMs),
          ms(s.bare.maxMs),
          `${s.thaw.over100Ms} of ${s.thaw.probes}`,
          `${s.bare.over100Ms} of ${s.bare.probes}`,
        ]),
      ),
      '',
    );
  }
  return lines.join('\n');
}
