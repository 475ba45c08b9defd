import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SlimConfigError, SlimError } from './errors.ts';
import { defaultKnativeOptions } from './knative/options.ts';
import { configKeys, type SlimConfig } from './options.ts';

/** Config files looked for in the project folder, in this order. */
export const configFileNames = [
  'thaw.config.json',
  'thaw.config.js',
  'thaw.config.mjs',
  'thaw.config.ts',
] as const;

const knativeKeys = ['name', 'image', ...Object.keys(defaultKnativeOptions)].sort();
const triggerKeys = ['name', 'broker', 'filter', 'delivery'];
const sinkBindingKeys = ['name', 'sinkUri', 'sinkRef'];

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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(value: Record<string, unknown>, valid: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!valid.includes(key)) {
      throw new SlimConfigError(
        `${where}${key}`,
        value[key],
        `a known option; valid ones are: ${valid.join(', ')}`,
      );
    }
  }
}

function stringList(value: unknown, option: string): readonly string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new SlimConfigError(option, value, 'an array of strings');
  }
  return value;
}

/**
 * Checks a config object's shape: unknown keys are errors listing the valid ones, and each value
 * has the type its option needs. Deeper Knative rules are checked when the manifests are made.
 *
 * @example
 * ```ts
 * validateConfig({ outDir: 'deploy', knative: { minScale: 1 } }, 'thaw.config.json');
 * ```
 */
export function validateConfig(raw: unknown, source: string): SlimConfig {
  if (!isRecord(raw)) throw new SlimConfigError(source, raw, 'an object of thaw slim options');
  checkKeys(raw, configKeys, '');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    switch (key) {
      case 'entry':
      case 'outDir':
      case 'target':
        if (typeof value !== 'string' || value === '')
          throw new SlimConfigError(key, value, 'a non-empty string');
        break;
      case 'minify':
      case 'sourceMap':
      case 'enableSourceMaps':
      case 'compileCache':
        if (typeof value !== 'boolean') throw new SlimConfigError(key, value, 'true or false');
        break;
      case 'external':
      case 'include':
      case 'allowSecrets':
        stringList(value, key);
        break;
      case 'instrumentedAs':
        if (value !== 'bundled' && value !== 'external') {
          throw new SlimConfigError(key, value, '"bundled" or "external"');
        }
        break;
      case 'instrumentedPackages':
        if (value !== 'auto') stringList(value, key);
        break;
      case 'compileCacheTimeoutMs':
        if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
          throw new SlimConfigError(key, value, 'an integer number of milliseconds > 0');
        }
        break;
      case 'budgetBytes':
        if (value !== null && (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)) {
          throw new SlimConfigError(key, value, 'an integer number of bytes > 0, or null');
        }
        break;
      case 'baseImage':
      case 'buildImage':
        if (value !== null && (typeof value !== 'string' || value === '')) {
          throw new SlimConfigError(key, value, 'an image reference, or null');
        }
        break;
      case 'knative':
        validateKnative(value);
        break;
    }
    out[key] = value;
  }
  return out;
}

function validateKnative(value: unknown): void {
  if (!isRecord(value)) throw new SlimConfigError('knative', value, 'an object of Knative settings');
  checkKeys(value, knativeKeys, 'knative.');
  const { trigger, sinkBinding, env } = value;
  if (trigger !== undefined && trigger !== null) {
    if (!isRecord(trigger)) throw new SlimConfigError('knative.trigger', trigger, 'an object or null');
    checkKeys(trigger, triggerKeys, 'knative.trigger.');
    if (trigger['filter'] !== undefined && !isRecord(trigger['filter'])) {
      throw new SlimConfigError(
        'knative.trigger.filter',
        trigger['filter'],
        'an object of attribute → value',
      );
    }
  }
  if (sinkBinding !== undefined && sinkBinding !== null) {
    if (!isRecord(sinkBinding))
      throw new SlimConfigError('knative.sinkBinding', sinkBinding, 'an object or null');
    checkKeys(sinkBinding, sinkBindingKeys, 'knative.sinkBinding.');
  }
  if (env !== undefined && !isRecord(env))
    throw new SlimConfigError('knative.env', env, 'an object of name → value');
}
