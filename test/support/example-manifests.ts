import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './packed.ts';

/** The Knative manifests an example commits in `deploy/`, by file name. */
export function committedManifests(exampleDir: string): Record<string, string> {
  const dir = join(exampleDir, 'deploy');
  return Object.fromEntries(
    readdirSync(dir)
      .filter((name) => name.endsWith('.yaml'))
      .sort()
      .map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
  );
}

/**
 * Runs `thaw slim` on an example with its own configuration, into a scratch folder, and returns
 * the Knative manifests it wrote, by file name. The compile cache is skipped: it does not change
 * the manifests and is the slowest step.
 */
export function freshManifests(exampleDir: string): Record<string, string> {
  const out = mkdtempSync(join(tmpdir(), 'thaw-example-slim-'));
  try {
    const result = spawnSync(
      process.execPath,
      [
        join(repoRoot, 'packages', 'slim', 'dist', 'cli', 'main.js'),
        'slim',
        '--out',
        out,
        '--no-compile-cache',
      ],
      { cwd: exampleDir, encoding: 'utf8', timeout: 120_000 },
    );
    if (result.status !== 0) {
      throw new Error(`thaw slim failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
    }
    const dir = join(out, 'knative');
    return Object.fromEntries(
      readdirSync(dir)
        .sort()
        .map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
