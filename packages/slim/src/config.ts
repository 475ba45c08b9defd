import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SlimConfigError, SlimError } from './errors.ts';
import { checkSlimOptions, type SlimConfig } from './options.ts';
import { isRecord } from './validators.ts';

/** Config files looked for in the project folder, in this order. */
export const configFileNames = [
  'thaw.config.json',
  'thaw.config.js',
  'thaw.config.mjs',
  'thaw.config.ts',
] as const;

/** A config and where it came from (for messages). */
export interface LoadedConfig {
  readonly config: SlimConfig;
  /** `thaw.config.json`, `package.json#thaw`, … or null when there is none. */
  readonly source: string | null;
}

/**
 * Reads the project's thaw config: the first of `thaw.config.{json,js,mjs,ts}`, or the `thaw`
 * field of `package.json`. Two sources at once is an error, so no setting is silently ignored.
 *
 * @example
 * ```ts
 * const { config, source } = await loadConfig(process.cwd());
 * ```
 */
export async function loadConfig(projectDir: string): Promise<LoadedConfig> {
  const found = configFileNames.filter((name) => existsSync(join(projectDir, name)));
  const pkg = readPackageJson(projectDir);
  const sources = [...found, ...(pkg?.['thaw'] !== undefined ? ['package.json#thaw'] : [])];
  if (sources.length > 1) {
    throw new SlimConfigError('config file', sources, 'a single source of thaw options; merge them into one');
  }
  const [source] = sources;
  if (source === undefined) return { config: {}, source: null };
  const raw = source === 'package.json#thaw' ? pkg?.['thaw'] : await readConfigFile(join(projectDir, source));
  return { config: validateConfig(raw, source), source };
}

/** The project's package.json as data, or null when it has none. */
export function readPackageJson(projectDir: string): Record<string, unknown> | null {
  const file = join(projectDir, 'package.json');
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new SlimError('THAW_SLIM_CONFIG_INVALID', `${file} is not valid JSON; fix it and build again.`, {
      cause: error,
    });
  }
}

async function readConfigFile(file: string): Promise<unknown> {
  try {
    if (file.endsWith('.json')) return JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (file.endsWith('.ts')) return await importTypeScript(file);
    const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    return mod.default;
  } catch (error) {
    throw new SlimError(
      'THAW_SLIM_CONFIG_INVALID',
      `Could not read ${file}: ${String(error)}. Fix the file and build again.`,
      {
        cause: error,
      },
    );
  }
}

// Node 22 cannot import TypeScript, so the config is compiled next to itself (imports keep
// resolving from the project) and removed again.
async function importTypeScript(file: string): Promise<unknown> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [file],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  const compiled = `${file}.${process.pid}.mjs`;
  writeFileSync(compiled, result.outputFiles[0]?.text ?? '');
  try {
    const mod = (await import(pathToFileURL(compiled).href)) as { default?: unknown };
    return mod.default;
  } finally {
    rmSync(compiled, { force: true });
  }
}

/**
 * Checks a config object's shape: unknown keys are errors listing the valid ones and the nearest,
 * and each value has the type its option needs (the checks options given to slim() in code get
 * too). Deeper Knative rules are checked when the manifests are made.
 *
 * @example
 * ```ts
 * validateConfig({ outDir: 'deploy', knative: { minScale: 1 } }, 'thaw.config.json');
 * ```
 */
export function validateConfig(raw: unknown, source: string): SlimConfig {
  if (!isRecord(raw)) throw new SlimConfigError(source, raw, 'an object of thaw slim options');
  return checkSlimOptions(raw, 'config');
}
