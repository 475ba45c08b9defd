// The Nx executor: `"executor": "@thaw/slim:image"` in a project's targets runs buildImage()
// with the target's options, paths taken relative to the workspace root.
import { isAbsolute, join } from 'node:path';
import { buildImage } from '../../image/build-image.ts';
import { ImageError } from '../../image/errors.ts';
import { type BuildImageOptions } from '../../image/options.ts';
import { formatImageSizeReport } from '../../image/size-report.ts';
import { nearestName } from '../../nearest-name.ts';
// Imported (not only referenced from executors.json) so the build ships it beside executor.js.
import schema from './schema.json' with { type: 'json' };

/** The options an Nx target passes: the JSON-serializable part of {@link BuildImageOptions}. */
export type ImageExecutorOptions = Omit<BuildImageOptions, 'env' | 'fetch' | 'now' | 'log'>;

/** The part of Nx's executor context this executor reads. */
export interface ImageExecutorContext {
  readonly root: string;
}

const pathOptions = ['deployDir', 'ociLayoutDir', 'tarballFile', 'dockerConfigPath'] as const;

/**
 * Runs `thaw image` as an Nx executor.
 *
 * @example
 * ```json
 * {
 *   "targets": {
 *     "image": {
 *       "executor": "@thaw/slim:image",
 *       "options": { "deployDir": "apps/checkout/deploy", "tag": "ghcr.io/acme/checkout:1" }
 *     }
 *   }
 * }
 * ```
 */
export default async function imageExecutor(
  options: ImageExecutorOptions,
  context: ImageExecutorContext,
): Promise<{ success: boolean }> {
  const allowed = Object.keys(schema.properties);
  const unknown = Object.keys(options).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    const nearest = unknown.length === 1 ? nearestName(unknown[0] ?? '', allowed) : undefined;
    console.error(
      `thaw image: Option ${unknown.join(', ')} is not an option of the image executor; allowed: ${allowed.join(', ')}.` +
        (nearest === undefined ? '' : ` Did you mean \`${nearest}\`?`),
    );
    return { success: false };
  }
  const resolved: Record<string, unknown> = { ...options };
  for (const key of pathOptions) {
    const value = options[key];
    if (typeof value === 'string' && !isAbsolute(value)) resolved[key] = join(context.root, value);
  }
  resolved['deployDir'] ??= join(context.root, 'deploy');
  if (typeof options.pinManifest === 'string' && !isAbsolute(options.pinManifest)) {
    resolved['pinManifest'] = join(context.root, options.pinManifest);
  }
  try {
    const result = await buildImage({
      ...(resolved as BuildImageOptions),
      log: (line) => {
        console.error(`thaw image: ${line}`);
      },
    });
    for (const line of formatImageSizeReport(result.size, result.push)) console.log(line);
    console.log(result.pinnedReference ?? result.manifestDigest);
    return { success: true };
  } catch (error) {
    if (!(error instanceof ImageError)) throw error;
    console.error(`thaw image: ${error.message}`);
    return { success: false };
  }
}
