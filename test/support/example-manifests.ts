import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './packed.ts';

/** The Knative manifests an example commits in `deploy/`, by file name. */
export function committedManifests(exampleDir: string): Record<string, string> {
  return yamlFiles(join(exampleDir, 'deploy'));
}

/** A deploy folder `thaw slim` wrote for an example, in a scratch folder of its own. */
export interface SlimmedExample {
  readonly outDir: string;
  /** The Knative manifests it wrote, by file name. */
  readonly manifests: Record<string, string>;
  remove(): void;
}

/**
 * Runs `thaw slim` on an example with its own configuration, into a scratch folder. The compile
 * cache is skipped: it does not change the manifests and is the slowest step.
 */
export function slimExample(exampleDir: string): SlimmedExample {
  const outDir = mkdtempSync(join(tmpdir(), 'thaw-example-slim-'));
  const result = spawnSync(
    process.execPath,
    [join(repoRoot, 'packages', 'cli', 'dist', 'main.js'), 'slim', '--out', outDir, '--no-compile-cache'],
    { cwd: exampleDir, encoding: 'utf8', timeout: 120_000 },
  );
  const remove = (): void => {
    rmSync(outDir, { recursive: true, force: true });
  };
  if (result.status !== 0) {
    remove();
    throw new Error(`thaw slim failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return { outDir, manifests: yamlFiles(join(outDir, 'knative')), remove };
}

function yamlFiles(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .filter((name) => name.endsWith('.yaml'))
      .sort()
      .map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
  );
}
