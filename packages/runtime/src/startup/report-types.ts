import type { StartupMark } from './marks.ts';

/** Version of the startup report's shape; bumped on any incompatible change. */
export const startupReportVersion = 1;

/**
 * The one-line JSON startup report a thaw function prints and sends over IPC
 * (`{ type: 'thaw:ready', report }`). The benchmark harness knows a thaw function only through
 * this shape. Times are ms since process start (`performance.timeOrigin`).
 */
export interface StartupReport {
  readonly event: 'thaw.startup';
  readonly version: typeof startupReportVersion;
  readonly pid: number;
  readonly node: string;
  /** Epoch ms of process start. */
  readonly timeOrigin: number;
  /** Milestones, in ms since process start; absent until reached. */
  readonly milestones: {
    readonly runtimeImportedMs?: number;
    readonly serveCalledMs?: number;
    readonly listeningMs?: number;
    readonly readyMs?: number;
    readonly firstRequestMs?: number;
    readonly firstResponseMs?: number;
  };
  /** Every recorded phase, Node's bootstrap first. */
  readonly phases: readonly StartupMark[];
  /** Initializers: outcome and timing. */
  readonly initializers: ReadonlyArray<{
    readonly name: string;
    readonly when: 'critical' | 'background' | 'on-demand';
    readonly state: 'idle' | 'pending' | 'ready' | 'failed';
    readonly attempts: number;
    readonly startMs?: number;
    readonly endMs?: number;
    readonly error?: string;
  }>;
  /** Pool and resource gauges at report time. */
  readonly resources: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Memory and CPU at report time. */
  readonly process: {
    readonly rssBytes: number;
    readonly cpuUserMicros: number;
    readonly cpuSystemMicros: number;
  };
  /** Knative revision, when set. */
  readonly knative: {
    readonly service?: string;
    readonly revision?: string;
    readonly configuration?: string;
  };
  readonly droppedMarks: number;
}

/** The IPC message a thaw function sends its parent when it becomes ready. */
export interface ReadyMessage {
  readonly type: 'thaw:ready';
  readonly report: StartupReport;
}

/** The IPC message sent after the first response, with the report completed. */
export interface StartupReportMessage {
  readonly type: 'thaw:startup';
  readonly report: StartupReport;
}
