// Each scenario records its figures here; the global setup collects them and prints one JSON
// document at the end of the run (and writes it to THAW_RELIABILITY_OUT when set).
import { appendFileSync } from 'node:fs';
import { inject } from 'vitest';
import { longForm } from './mode.ts';

declare module 'vitest' {
  interface ProvidedContext {
    reliabilityResultsFile: string;
  }
}

/** Appends one scenario's figures (and how many runs they come from) to this run's results. */
export function recordFigures(
  scenario: string,
  runs: number,
  figures: Readonly<Record<string, unknown>>,
): void {
  const line = { scenario, form: longForm ? 'long' : 'quick', runs, figures, at: new Date().toISOString() };
  appendFileSync(inject('reliabilityResultsFile'), `${JSON.stringify(line)}\n`);
}
