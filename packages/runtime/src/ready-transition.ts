// What happens once when a server enters `ready` (server-state.ts decides when): the mark, the
// process-wide when-ready tasks, the background initializers, the startup report where it is
// wanted (parent process, stdout, ready file), then the held requests go through.
import { startInitializers } from './init-registry.ts';
import type { KnativeEnv } from './knative.ts';
import { markProcessReady } from './lifecycle.ts';
import { describeError, type Logger } from './logger.ts';
import type { StartupReportMode } from './options.ts';
import { removeReadyFile, writeReadyFile } from './ready-file.ts';
import type { ReadyGate } from './ready-gate.ts';
import type { ServerStateView } from './server-state.ts';
import { recordMark, sinceStart } from './startup/marks.ts';
import { buildStartupReport, hasParent, printStartupReport, sendToParent } from './startup/report.ts';
import type { StartupReport } from './startup/report-types.ts';

/** What the ready transition acts on. */
export interface ReadyTransitionDeps {
  readonly logger: Logger;
  readonly knative: KnativeEnv;
  readonly startupReport: StartupReportMode;
  readonly readyFile: string | undefined;
  readonly gate: ReadyGate;
  /** Resolves the handle's `ready` promise. */
  readonly resolveReady: () => void;
}

/** Runs the effects of entering `ready`, in order. */
export function enterReady(deps: ReadyTransitionDeps, state: ServerStateView): void {
  const at = sinceStart();
  recordMark('ready', at);
  // Process-wide and once: a second server in the same process does not rerun the tasks.
  void markProcessReady(at, deps.logger);
  startInitializers('background');
  announceReady(deps, state);
  deps.gate.open();
  deps.resolveReady();
}

function announceReady(deps: ReadyTransitionDeps, state: ServerStateView): void {
  // Built only when someone reads it: the ready transition is on the cold-start path.
  const wanted = hasParent() || deps.startupReport === 'ready' || deps.readyFile !== undefined;
  if (!wanted) return;
  const report = buildStartupReport(deps.knative);
  sendToParent({ type: 'thaw:ready', report });
  if (deps.startupReport === 'ready') printStartupReport(report);
  if (deps.readyFile !== undefined) writeReadyFileOnce(deps.readyFile, report, deps.logger, state);
}

function writeReadyFileOnce(
  readyFile: string,
  report: StartupReport,
  logger: Logger,
  state: ServerStateView,
): void {
  writeReadyFile(readyFile, `${JSON.stringify(report)}\n`)
    .then(() => {
      // A SIGTERM during the write must not leave a ready file behind.
      if (state.phase === 'draining' || state.phase === 'closed') removeReadyFile(readyFile);
    })
    .catch((error: unknown) => {
      logger.error(`Could not write the ready file: ${describeError(error)}`, { readyFile });
    });
}
