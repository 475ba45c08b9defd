// Number formatting shared by the text, Markdown and SVG reports, so all three agree digit for digit.
import { type RunMetric } from '../run-record.ts';

/** Milliseconds with precision that suits their size: 0.42, 8.3, 156. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  const abs = Math.abs(ms);
  return abs >= 100 ? ms.toFixed(0) : abs >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

/** Bytes as MiB with one decimal. */
export function formatMiB(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '–';
  return (bytes / 1024 / 1024).toFixed(1);
}

/** A value of `metric` with its unit. */
export function formatMetric(metric: RunMetric, value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  if (metric === 'rssBytes') return `${formatMiB(value)} MiB`;
  return `${formatMs(value)} ms`;
}

/** A metric's display name. */
export const metricLabels: Readonly<Record<RunMetric, string>> = {
  listeningMs: 'listening',
  readyMs: 'ready',
  firstResponseMs: 'first response',
  rssBytes: 'RSS at ready',
  cpuMs: 'CPU to ready',
};

/** Values in a metric's display unit (MiB for bytes, ms otherwise). */
export function inDisplayUnit(metric: RunMetric, value: number): number {
  return metric === 'rssBytes' ? value / 1024 / 1024 : value;
}
