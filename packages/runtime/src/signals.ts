// What starts a shutdown from outside the handle: SIGTERM and SIGINT (when `handleSignals`), and
// a critical initializer that used up its `maxAttempts`. Each goes one way: into the state
// machine's shutdown (server-state.ts), then to the injected `exit` with the outcome's code. A
// second signal during a shutdown exits at once with code 1, naming what still runs.
import { initRegistry } from './init-registry.ts';
import type { Logger } from './logger.ts';
import type { ServerState } from './server-state.ts';

/** What the triggers need. */
export interface ShutdownTriggerDeps {
  readonly logger: Logger;
  readonly exit: (code: number) => void;
  /** Whether SIGTERM and SIGINT are handled (the `handleSignals` option). */
  readonly handleSignals: boolean;
}

/** Wires the process signals and the exhausted-initializer trigger to `state`. */
export function wireShutdownTriggers(state: ServerState, deps: ShutdownTriggerDeps): void {
  if (deps.handleSignals) wireSignals(state, deps);
  initRegistry().onExhausted = (name) => {
    deps.logger.error(
      `Critical initializer "${name}" used up its maxAttempts; shutting down with exit code 1.`,
    );
    void state.shutdown(`initializer "${name}" failed`).then(() => {
      deps.exit(1);
    });
  };
}

function wireSignals(state: ServerState, deps: ShutdownTriggerDeps): void {
  const onSignal = (signal: NodeJS.Signals): void => {
    if (state.shutdownStarted) {
      deps.logger.error(
        `Second ${signal}: exiting now with code 1. Still running: ${state.describeStuck()}.`,
      );
      deps.exit(1);
      return;
    }
    void state.shutdown(signal).then((result) => {
      deps.exit(result.exitCode);
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // Once closed (by a signal or by close()), the process's signals are the application's again.
  state.onClosed(() => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  });
}
