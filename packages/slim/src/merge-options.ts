import type { SlimConfig, SlimOptions } from './options.ts';

/**
 * Options given in code or on the command line win over the config file, key by key; Knative
 * settings merge one level deeper so a file's `minScale` survives a command-line `image`.
 *
 * @example
 * ```ts
 * mergeOptions({ outDir: 'out' }, { outDir: 'deploy', minify: false }); // { outDir: 'out', minify: false }
 * ```
 */
export function mergeOptions(given: SlimOptions, file: SlimConfig): SlimOptions {
  const merged: Record<string, unknown> = { ...file };
  for (const [key, value] of Object.entries(given)) if (value !== undefined) merged[key] = value;
  if (file.knative !== undefined || given.knative !== undefined) {
    merged['knative'] = { ...file.knative, ...given.knative };
  }
  return merged;
}
