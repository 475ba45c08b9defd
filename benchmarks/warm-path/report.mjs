// Markdown for the warm-path results JSON (schema "thaw-warm-path"): per Node line, one table per
// scenario and one of the target ratios. Used by measure.mjs and by the suite's README tables.

function table(header, rows) {
  const align = header.map((_, index) => (index === 0 ? '---' : '--:'));
  return [header, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

const ms = (value) =>
  value === null || value === undefined ? '–' : value >= 10 ? value.toFixed(1) : value.toFixed(2);
const rps = (value) =>
  value === null || value === undefined ? '–' : Math.round(value).toLocaleString('en-US');
const mib = (bytes) =>
  bytes === null || bytes === undefined ? '–' : `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

function find(result, node, variant, scenario, connections) {
  return result.summary.find(
    (s) =>
      s.node === node && s.variant === variant && s.scenario === scenario && s.connections === connections,
  );
}

function ratioOf(result, node, target, scenario, connections) {
  const a = find(result, node, target.variant, scenario, connections);
  const b = find(result, node, target.reference, scenario, connections);
  if (a === undefined || b === undefined) return undefined;
  const key = { rps: 'rps', p99: 'p99Ms', cpu: 'cpuUsPerRequest' }[target.metric];
  if (!a[key] || !b[key]) return undefined;
  return a[key] / b[key];
}

function targetName(target) {
  const what = target.metric === 'rps' ? 'requests/s' : 'p99';
  const bound =
    target.atLeast !== undefined ? `≥ ${target.atLeast.toFixed(1)}×` : `≤ ${target.atMost.toFixed(1)}×`;
  return `${target.variant} ÷ ${target.reference}, ${what} ${bound}`;
}

function meets(target, ratio) {
  return target.atLeast !== undefined ? ratio >= target.atLeast : ratio <= target.atMost;
}

function scenarioTable(result, node, scenario) {
  const { connections } = result.options;
  const middle = connections[Math.floor(connections.length / 2)];
  const names = result.nodes[node].variants.filter((name) => !name.endsWith('@baseline'));
  const header = [
    'variant',
    ...connections.flatMap((c) => [`${c} conn req/s`, 'p50 / p99 ms']),
    `CPU µs/req (${middle} conn)`,
    'peak RSS',
  ];
  const rows = names.map((name) => {
    const cells = connections.map((c) => find(result, node, name, scenario, c));
    const rss = Math.max(...cells.map((c) => c?.rssMaxBytes ?? 0));
    const mid = find(result, node, name, scenario, middle);
    return [
      name,
      ...cells.flatMap((c) => [rps(c?.rps), c === undefined ? '–' : `${ms(c.p50Ms)} / ${ms(c.p99Ms)}`]),
      mid?.cpuUsPerRequest === null || mid === undefined ? '–' : mid.cpuUsPerRequest.toFixed(0),
      rss === 0 ? '–' : mib(rss),
    ];
  });
  return table(header, rows);
}

function targetsTable(result, node) {
  const { connections } = result.options;
  const columns = ['hello', 'echo'].flatMap((scenario) => connections.map((c) => ({ scenario, c })));
  const rows = [];
  for (const target of result.targets) {
    const ratios = columns.map(({ scenario, c }) => ratioOf(result, node, target, scenario, c));
    if (ratios.every((r) => r === undefined)) continue;
    const measured = ratios.filter((r) => r !== undefined);
    const missed = measured.filter((r) => !meets(target, r)).length;
    rows.push([
      targetName(target),
      ...ratios.map((r) => (r === undefined ? '–' : `${r.toFixed(2)}${meets(target, r) ? '' : ' ✗'}`)),
      missed === 0 ? 'met' : `missed in ${missed} of ${measured.length}`,
    ]);
  }
  return table(['target', ...columns.map(({ scenario, c }) => `${scenario} ${c}`), 'verdict'], rows);
}

// The CPU each request costs the server moves less with a shared machine's load than requests/s
// do, and its inverse is what a CPU limit turns into requests/s.
function cpuTable(result, node) {
  const { connections } = result.options;
  const columns = ['hello', 'echo'].flatMap((scenario) => connections.map((c) => ({ scenario, c })));
  const pairs = result.targets.filter((t) => t.metric === 'rps');
  const rows = [];
  for (const pair of pairs) {
    const ratios = columns.map(({ scenario, c }) =>
      ratioOf(result, node, { ...pair, metric: 'cpu' }, scenario, c),
    );
    if (ratios.every((r) => r === undefined)) continue;
    rows.push([
      `${pair.variant} ÷ ${pair.reference}`,
      ...ratios.map((r) => (r === undefined ? '–' : r.toFixed(2))),
    ]);
  }
  return table(['CPU µs per request', ...columns.map(({ scenario, c }) => `${scenario} ${c}`)], rows);
}

// This build against the baseline build (`--baseline`), variant by variant, in the same run.
function baselineTable(result, node) {
  const { connections } = result.options;
  const columns = ['hello', 'echo'].flatMap((scenario) => connections.map((c) => ({ scenario, c })));
  const rows = [];
  for (const name of result.nodes[node].variants.filter((n) => n.endsWith('@baseline'))) {
    const variant = name.slice(0, -'@baseline'.length);
    for (const metric of ['rps', 'cpu']) {
      const ratios = columns.map(({ scenario, c }) =>
        ratioOf(result, node, { variant, reference: name, metric }, scenario, c),
      );
      if (ratios.every((r) => r === undefined)) continue;
      rows.push([
        `${variant}, ${metric === 'rps' ? 'requests/s' : 'CPU µs per request'}`,
        ...ratios.map((r) => (r === undefined ? '–' : r.toFixed(2))),
      ]);
    }
  }
  if (rows.length === 0) return undefined;
  return table(['this build ÷ baseline', ...columns.map(({ scenario, c }) => `${scenario} ${c}`)], rows);
}

/** The Markdown of one results file; `headingLevel` is the level of the per-Node headings. */
export function renderWarmPath(result, { headingLevel = 3 } = {}) {
  const hashes = '#'.repeat(headingLevel);
  const env = result.environment;
  const lines = [];
  // Node 24 first: the object's numeric keys would enumerate in ascending order.
  for (const node of result.options.nodes) {
    const { version } = result.nodes[node];
    lines.push(
      `${hashes} Node ${version}`,
      '',
      `${result.finishedAt.slice(0, 10)} · ${env.cpuModel} × ${env.cpus} cores, shared; load ` +
        `${env.loadAverageAtStart[0]} at start, ${env.loadAverageAtEnd[0]} at end · ${env.loadGenerator}, ` +
        `1 thread, in its own process · ${result.options.durationS} s per cell, ` +
        `${result.options.rounds} round${result.options.rounds === 1 ? '' : 's'} (median), variants interleaved cell by cell · ` +
        `echo body ${result.echoBodyBytes} bytes`,
      '',
    );
    for (const scenario of ['hello', 'echo']) {
      lines.push(`**${scenario}**`, '', scenarioTable(result, node, scenario), '');
    }
    lines.push('**targets** (ratios in this run; ✗ marks a miss)', '', targetsTable(result, node), '');
    lines.push(
      '**CPU per request** (variant ÷ reference; below 1 costs less than the reference)',
      '',
      cpuTable(result, node),
      '',
    );
    const before = baselineTable(result, node);
    if (before !== undefined) {
      lines.push(
        `**This build against the baseline** (${result.baseline?.label ?? 'another build'}, run as \`<variant>@baseline\` ` +
          'interleaved with the others in this run; requests/s above 1 and CPU below 1 are gains)',
        '',
        before,
        '',
      );
    }
  }
  if (result.failures.length > 0) {
    lines.push('**Problems in this run**', '', ...result.failures.map((f) => `- ${f}`), '');
  }
  return lines.join('\n');
}
