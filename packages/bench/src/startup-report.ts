// The shapes a thaw function sends the harness over IPC. @thaw/runtime owns them; they are
// declared here again on purpose so that @thaw/bench installs without the runtime (bench knows
// a thaw function only through these messages). startup-report.test.ts keeps both declarations
// assignable to each other, so a change in the runtime fails bench's typecheck.

/**
 * One startup phase or point in time, in ms since process start. Same shape as the runtime's
 * `StartupMark`.
 *
 * @example
 * ```ts
 * const mark: StartupMark = { name: 'init:db', startMs: 41.2, endMs: 58.9 };
 * ```
 */
export interface StartupMark {
  readonly name: string;
  readonly startMs: number;
  /** Equal to `startMs` for a point in time. */
  readonly endMs: number;
  /** Free-form attributes (initializer outcome, attempt count). */
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * The startup report a thaw function sends over IPC (the runtime's `StartupReport`, version 1).
 * Times are ms since process start.
 *
 * @example
 * ```ts
 * const readyMs = record.runtime?.report.milestones.readyMs;
 * ```
 */
export interface StartupReport {
  readonly event: 'thaw.startup';
  readonly version: 1;
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
