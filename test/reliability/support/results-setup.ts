// Global setup of the reliability project: a fresh results file per run, printed at the end.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'thaw-reliability-'));
  const file = join(dir, 'results.jsonl');
  writeFileSync(file, '');
  project.provide('reliabilityResultsFile', file);
  return () => {
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as unknown);
    rmSync(dir, { recursive: true, force: true });
    const document = `${JSON.stringify({ version: 1, results: lines }, null, 2)}\n`;
    const out = process.env['THAW_RELIABILITY_OUT'];
    if (out !== undefined && out !== '') writeFileSync(out, document);
    console.log(`\nReliability figures:\n${document}`);
  };
}
