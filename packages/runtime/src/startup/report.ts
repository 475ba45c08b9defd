// Builds the startup report from the marks, the initializers and the resource gauges, and sends
// it where it is wanted: one JSON line on stdout, and IPC messages to a parent process (the
// benchmark harness) at ready and after the first response.
import { initializerStatuses } from '../init-registry.ts';
import type { KnativeEnv } from '../knative.ts';
import { liveStats } from '../lifecycle.ts';
import type { StartupReportMode } from '../options.ts';
import { findMark, nodeBootstrapMarks, readMarks, recordMark, sinceStart } from './marks.ts';
import {
  startupReportVersion,
  type ReadyMessage,
  type StartupReport,
  type StartupReportMessage,
} from './report-types.ts';

const milestoneMarks = {
  runtimeImportedMs: 'runtime imported',
  serveCalledMs: 'serve called',
  listeningMs: 'listening',
  readyMs: 'ready',
  firstRequestMs: 'first request',
  firstResponseMs: 'first response',
} as const;

/** The startup report as of now. */
export function buildStartupReport(knative: KnativeEnv): StartupReport {
  const milestones: Record<string, number> = {};
  for (const [field, mark] of Object.entries(milestoneMarks)) {
    const found = findMark(mark);
    if (found !== undefined) milestones[field] = round(found.endMs);
  }
  const { marks, dropped } = readMarks();
  const resources: Record<string, Record<string, number>> = {};
  for (const [name, provider] of liveStats()) {
    try {
      resources[name] = { ...provider() };
    } catch {
      // A broken gauge must not cost the report.
    }
  }
  const usage = process.cpuUsage();
  return {
    event: 'thaw.startup',
    version: startupReportVersion,
    pid: process.pid,
    node: process.version,
    timeOrigin: round(performance.timeOrigin),
    milestones,
    phases: [...nodeBootstrapMarks(), ...marks].map((mark) => ({
      ...mark,
      startMs: round(mark.startMs),
      endMs: round(mark.endMs),
    })),
    initializers: initializerStatuses().map(({ name, when, state, attempts, startMs, endMs, error }) => ({
      name,
      when,
      state,
      attempts,
      ...(startMs === undefined ? {} : { startMs: round(startMs) }),
      ...(endMs === undefined ? {} : { endMs: round(endMs) }),
      ...(error === undefined ? {} : { error }),
    })),
    resources,
    process: {
      rssBytes: process.memoryUsage.rss(),
      cpuUserMicros: usage.user,
      cpuSystemMicros: usage.system,
    },
    knative: {
      ...(knative.service === undefined ? {} : { service: knative.service }),
      ...(knative.revision === undefined ? {} : { revision: knative.revision }),
      ...(knative.configuration === undefined ? {} : { configuration: knative.configuration }),
    },
    droppedMarks: dropped,
  };
}

/** True when the process has a connected IPC channel to a parent (a benchmark harness). */
export function hasParent(): boolean {
  return typeof process.send === 'function' && process.connected;
}

/** Sends a message to the parent process when there is an IPC channel; never throws. */
export function sendToParent(message: ReadyMessage | StartupReportMessage): void {
  if (!hasParent()) return;
  try {
    process.send?.(message, undefined, {}, () => {
      // A parent that went away is not the function's problem.
    });
  } catch {
    // Same: the channel may close between the check and the send.
  }
}

/**
 * Marks the first response and sends the report where it is wanted then: stdout with
 * `startupReport: 'first-response'`, and the parent process when there is one.
 */
export function reportFirstResponse(mode: StartupReportMode, knative: KnativeEnv): void {
  recordMark('first response', sinceStart());
  if (mode !== 'first-response' && !hasParent()) return;
  const report = buildStartupReport(knative);
  if (mode === 'first-response') printStartupReport(report);
  sendToParent({ type: 'thaw:startup', report });
}

/** Prints the report as one JSON line on stdout. */
export function printStartupReport(
  report: StartupReport,
  write: (line: string) => void = (line) => process.stdout.write(line),
): void {
  write(`${JSON.stringify(report)}\n`);
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
