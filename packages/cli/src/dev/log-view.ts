// What `thaw dev` prints: on a terminal, the runtime's JSON log lines as short human lines and,
// at each start, one line summing up the startup phases; off a terminal, the lines unchanged.
import type { StartupReport } from '@thaw/runtime';

/** One JSON log line as a human line, or the line itself when it is not one. */
export function humanLine(line: string): string {
  if (!line.startsWith('{')) return line;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof record['msg'] !== 'string') return line;
  const { level, msg, time, ...rest } = record;
  const at = typeof time === 'number' ? new Date(time).toISOString().slice(11, 23) : '';
  const extra = Object.entries(rest)
    .filter(([name]) => name !== 'host' && name !== 'port')
    .map(([name, value]) => `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${at} ${String(level).padEnd(5)} ${msg}${extra === '' ? '' : `  ${extra}`}`;
}

/** The one-line summary of a start, from the runtime's startup report. */
export function startupSummary(report: StartupReport): string {
  const m = report.milestones;
  const ms = (value: number | undefined): string => (value === undefined ? '-' : `${Math.round(value)} ms`);
  const inits = report.initializers
    .filter((init) => init.when === 'critical')
    .map(
      (init) =>
        `${init.name} ${init.startMs !== undefined && init.endMs !== undefined ? ms(init.endMs - init.startMs) : init.state}`,
    );
  const parts = [
    `ready in ${ms(m.readyMs)}`,
    `runtime imported ${ms(m.runtimeImportedMs)}`,
    `serve() ${ms(m.serveCalledMs)}`,
    `listening ${ms(m.listeningMs)}`,
    ...(inits.length === 0 ? [] : [`critical init: ${inits.join(', ')}`]),
    `RSS ${Math.round(report.process.rssBytes / 1_048_576)} MiB`,
  ];
  return `thaw dev: ${parts.join(' · ')}`;
}
