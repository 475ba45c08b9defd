// A standalone SVG chart (opens in a browser, renders on GitHub): every run of every variant as
// a dot over its box plot, then the medians of each phase as stacked bars. Plain SVG 1.1 with
// inline attributes only: GitHub strips <style> and scripts.
import { type BenchResult } from '../bench.ts';
import { distributionOf } from '../stats.ts';
import { formatMs } from './format.ts';

const width = 880;
const left = 170;
const right = 40;
const rowHeight = 34;
const plotWidth = width - left - right;
const phaseColors = ['#9ecae1', '#4292c6', '#08519c'];
const phaseNames = ['spawn → listening', 'listening → ready', 'ready → first response'];

/** Escapes text for XML content and attributes. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Round tick positions covering [0, max]. */
export function niceTicks(max: number, count = 6): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = 0; t <= max + step * 1e-9; t += step) ticks.push(Math.round(t * 1e6) / 1e6);
  if ((ticks.at(-1) ?? 0) < max) ticks.push((ticks.at(-1) ?? 0) + step);
  return ticks;
}

function axis(y: number, ticks: number[], scale: (v: number) => number, height: number): string[] {
  return ticks.flatMap((t) => [
    `<line x1="${scale(t).toFixed(1)}" y1="${y}" x2="${scale(t).toFixed(1)}" y2="${y + height}" stroke="#e5e5e5"/>`,
    `<text x="${scale(t).toFixed(1)}" y="${y + height + 14}" font-size="11" text-anchor="middle" fill="#555">${Number.isInteger(t) ? String(t) : formatMs(t)}</text>`,
  ]);
}

/** Segments of the runtime's own timeline (a thaw function's startup report), in order. */
const runtimeSegments = [
  { key: 'processStart', name: 'spawn → process start', color: '#fdd0a2' },
  { key: 'runtimeImportedMs', name: '→ runtime imported', color: '#fdae6b' },
  { key: 'serveCalledMs', name: '→ serve() called', color: '#fd8d3c' },
  { key: 'listeningMs', name: '→ listening', color: '#f16913' },
  { key: 'readyMs', name: '→ ready', color: '#d94801' },
  { key: 'firstResponseMs', name: '→ first response', color: '#8c2d04' },
] as const;

interface PhaseRow {
  readonly label: string;
  readonly runtime: boolean;
  /** Cumulative ends of each segment, ms since spawn. */
  readonly points: readonly number[];
  readonly names: readonly string[];
  readonly colors: readonly string[];
}

/** The harness's phases per variant, and under it the runtime's own when it reported them. */
function phaseRows(result: BenchResult): PhaseRow[] {
  return result.summary.variants.flatMap((v) => {
    const rows: PhaseRow[] = [
      {
        label: v.name,
        runtime: false,
        points: [v.metrics.listeningMs, v.metrics.readyMs, v.metrics.firstResponseMs].map(
          (m) => m?.distribution.median ?? Number.NaN,
        ),
        names: phaseNames,
        colors: phaseColors,
      },
    ];
    const milestones = v.runtimeMilestones;
    const start = v.processStartMs;
    if (milestones !== undefined && start !== undefined) {
      const present = runtimeSegments.filter(
        (s) => s.key === 'processStart' || milestones[s.key] !== undefined,
      );
      rows.push({
        label: `${v.name} (its report)`,
        runtime: true,
        points: present.map((s) =>
          s.key === 'processStart' ? start : start + (milestones[s.key] ?? Number.NaN),
        ),
        names: present.map((s) => s.name),
        colors: present.map((s) => s.color),
      });
    }
    return rows;
  });
}

/**
 * Renders the chart.
 *
 * @example
 * ```ts
 * writeFileSync('results.svg', renderSvg(result));
 * ```
 */
export function renderSvg(result: BenchResult): string {
  const out: string[] = [];
  let y = distributionPanel(out, 28, result);
  if (result.options.burst === 0) y = phasePanel(out, y, result);
  const height = y + 16;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}

interface Sample {
  readonly name: string;
  readonly values: readonly number[];
  readonly failed: number;
}

/** Each variant's measured values: first responses, or in burst mode every burst request's latency. */
function samplesOf(result: BenchResult, burst: boolean): Sample[] {
  return result.variants.map((v) => {
    const runs = result.runs.filter((r) => r.variant === v.name && !r.warmup);
    const values = burst
      ? runs
          .flatMap((r) => r.burst ?? [])
          .flatMap((b) => (b.status !== undefined && b.latencyMs !== undefined ? [b.latencyMs] : []))
      : runs.flatMap((r) => (r.ok && r.firstResponseMs !== undefined ? [r.firstResponseMs] : []));
    return { name: v.name, values, failed: runs.filter((r) => !r.ok).length };
  });
}

/** The box-and-dots panel of every run; returns the y below it. */
function distributionPanel(out: string[], top: number, result: BenchResult): number {
  const burst = result.options.burst > 0;
  const samples = samplesOf(result, burst);
  let y = top;
  const title = burst
    ? `Burst of ${result.options.burst}: latency of each request from spawn (ms), objective ${result.options.sloMs} ms`
    : 'Time to first response, every measured run (ms since spawn)';
  out.push(
    `<text x="${left}" y="${y}" font-size="15" font-weight="bold" fill="#222">${escapeXml(title)}</text>`,
  );
  y += 16;
  const maxValue = Math.max(1, ...samples.flatMap((s) => s.values), burst ? result.options.sloMs : 0);
  const ticks = niceTicks(maxValue);
  const axisTop = ticks.at(-1) ?? maxValue;
  const scale = (v: number): number => left + (v / axisTop) * plotWidth;
  const panelHeight = samples.length * rowHeight;
  out.push(...axis(y, ticks, scale, panelHeight));
  samples.forEach((s, i) => {
    out.push(...sampleRow(s, y + i * rowHeight + rowHeight / 2, scale));
  });
  if (burst) {
    const x = scale(result.options.sloMs).toFixed(1);
    out.push(
      `<line x1="${x}" y1="${y}" x2="${x}" y2="${y + panelHeight}" stroke="#d62728" stroke-dasharray="4 3"/>`,
    );
  }
  return y + panelHeight + 40;
}

/** One variant's row: label, whiskers, box, median, every value (outliers red), median figure. */
function sampleRow(s: Sample, cy: number, scale: (v: number) => number): string[] {
  const out: string[] = [];
  const label = `${s.name} (N=${s.values.length}${s.failed > 0 ? `, ${s.failed} failed` : ''})`;
  out.push(
    `<text x="${left - 10}" y="${cy + 4}" font-size="12" text-anchor="end" fill="#222">${escapeXml(label)}</text>`,
  );
  if (s.values.length === 0) return out;
  const d = distributionOf(s.values);
  const fences = [d.q1 - 1.5 * (d.q3 - d.q1), d.q3 + 1.5 * (d.q3 - d.q1)] as const;
  out.push(
    `<line x1="${scale(d.min).toFixed(1)}" y1="${cy}" x2="${scale(d.max).toFixed(1)}" y2="${cy}" stroke="#888"/>`,
    `<rect x="${scale(d.q1).toFixed(1)}" y="${cy - 9}" width="${Math.max(1, scale(d.q3) - scale(d.q1)).toFixed(1)}" height="18" fill="#deebf7" stroke="#4292c6"/>`,
    `<line x1="${scale(d.median).toFixed(1)}" y1="${cy - 11}" x2="${scale(d.median).toFixed(1)}" y2="${cy + 11}" stroke="#08519c" stroke-width="3"><title>median ${formatMs(d.median)} ms</title></line>`,
  );
  s.values.forEach((v, k) => {
    const jitter = ((k * 7) % 11) - 5;
    const outlier = v < fences[0] || v > fences[1];
    out.push(
      `<circle cx="${scale(v).toFixed(1)}" cy="${(cy + jitter * 1.4).toFixed(1)}" r="2.4" fill="${outlier ? '#d62728' : '#333'}" fill-opacity="0.6"><title>${formatMs(v)} ms</title></circle>`,
    );
  });
  out.push(
    `<text x="${width - right + 4}" y="${cy + 4}" font-size="11" fill="#08519c">${formatMs(d.median)}</text>`,
  );
  return out;
}

/** The "where the time goes" stacked bars with their legend; returns the y below them. */
function phasePanel(out: string[], top: number, result: BenchResult): number {
  let y = top;
  out.push(
    `<text x="${left}" y="${y}" font-size="15" font-weight="bold" fill="#222">Where the time goes (medians, ms since spawn)</text>`,
  );
  y += 16;
  const rows = phaseRows(result);
  const barTicks = niceTicks(Math.max(1, ...rows.flatMap((r) => r.points.filter(Number.isFinite))));
  const barTop = barTicks.at(-1) ?? 1;
  const barScale = (v: number): number => left + (v / barTop) * plotWidth;
  out.push(...axis(y, barTicks, barScale, rows.length * rowHeight));
  rows.forEach((row, i) => {
    out.push(...phaseBar(row, y + i * rowHeight + rowHeight / 2, barScale));
  });
  y += rows.length * rowHeight + 30;
  const legend = [
    ...phaseNames.map((name, k) => ({ name, color: phaseColors[k] ?? '#999' })),
    ...(rows.some((r) => r.runtime)
      ? runtimeSegments.map((s) => ({ name: `runtime: ${s.name}`, color: s.color }))
      : []),
  ];
  legend.forEach((entry, k) => {
    const x = left + (k % 3) * 230;
    const ly = y + Math.floor(k / 3) * 18;
    out.push(
      `<rect x="${x}" y="${ly - 10}" width="12" height="12" fill="${entry.color}"/>`,
      `<text x="${x + 18}" y="${ly}" font-size="12" fill="#222">${escapeXml(entry.name)}</text>`,
    );
  });
  return y + Math.ceil(legend.length / 3) * 18;
}

function phaseBar(row: PhaseRow, cy: number, barScale: (v: number) => number): string[] {
  const out: string[] = [];
  const barHeight = row.runtime ? 12 : 20;
  out.push(
    `<text x="${left - 10}" y="${cy + 4}" font-size="${row.runtime ? 11 : 12}" text-anchor="end" fill="${row.runtime ? '#8c4a00' : '#222'}">${escapeXml(row.label)}</text>`,
  );
  let from = 0;
  row.points.forEach((to, k) => {
    if (!Number.isFinite(to)) return;
    const name = row.names[k] ?? '';
    out.push(
      `<rect x="${barScale(from).toFixed(1)}" y="${(cy - barHeight / 2).toFixed(1)}" width="${Math.max(0, barScale(to) - barScale(from)).toFixed(1)}" height="${barHeight}" fill="${row.colors[k] ?? '#999'}"><title>${escapeXml(name)}: ${formatMs(to - from)} ms</title></rect>`,
    );
    from = to;
  });
  out.push(
    `<text x="${width - right + 4}" y="${cy + 4}" font-size="11" fill="#08519c">${formatMs(from)}</text>`,
  );
  return out;
}
