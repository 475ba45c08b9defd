// Loading an optional OpenTelemetry package with import(): a missing package becomes a
// `PeerMissingError` that names it, any other failure a `ThawError`, never an exception of the
// loader's own.
import { PeerMissingError, ThawError } from '../errors.ts';

/**
 * Runs `load` (an `import()` with a literal specifier, so that bundlers keep it a lazy chunk) and
 * names `name` in the error when it fails.
 *
 * @example
 * ```ts
 * const api = await importPeer('@opentelemetry/api', () => import('@opentelemetry/api'));
 * ```
 */
export async function importPeer<T>(name: string, load: () => Promise<T>, feature = 'Tracing'): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isModuleNotFound(error)) throw new PeerMissingError(name, feature, { cause: error });
    throw new ThawError(
      'THAW_TELEMETRY_FAILED',
      `Loading ${name} failed; tracing stays off for this process.`,
      {
        cause: error,
      },
    );
  }
}

/** Whether `error` says a module could not be found (ESM or CommonJS). */
export function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}
