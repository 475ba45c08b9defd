// Where the OpenTelemetry SDK's own diagnostics go. The SDK reports failed exports through its
// diagnostic logger, which is silent unless configured: with thaw's own SDK its errors go to the
// telemetry error handler, bounded, unless `OTEL_LOG_LEVEL` asks for the SDK's console logger.
import type * as otelApi from '@opentelemetry/api';
import { ThawError } from '../errors.ts';

/** At most this many SDK errors are reported; a dead collector would otherwise log on every export. */
export const maxReportedDiagnostics = 10;

/** `OTEL_LOG_LEVEL` values, as the OpenTelemetry specification names them. */
const logLevels: Readonly<Record<string, keyof typeof otelApi.DiagLogLevel>> = {
  none: 'NONE',
  error: 'ERROR',
  warn: 'WARN',
  info: 'INFO',
  debug: 'DEBUG',
  verbose: 'VERBOSE',
  all: 'ALL',
};

/**
 * Routes the SDK's diagnostics: to the console at the level `OTEL_LOG_LEVEL` names when it is
 * set (sdk-node does this itself: pass `consoleToo: false` then), else errors to `onError`.
 *
 * @example
 * ```ts
 * routeDiagnostics(api, process.env, options.onError);
 * ```
 */
export function routeDiagnostics(
  api: typeof otelApi,
  env: NodeJS.ProcessEnv,
  onError: (error: ThawError) => void,
  consoleToo = true,
): void {
  const level = env['OTEL_LOG_LEVEL']?.trim().toLowerCase();
  if (level !== undefined && level !== '') {
    if (!consoleToo) return;
    api.diag.setLogger(new api.DiagConsoleLogger(), {
      logLevel: api.DiagLogLevel[logLevels[level] ?? 'INFO'],
    });
    return;
  }
  let reported = 0;
  const ignore = (): void => undefined;
  api.diag.setLogger(
    {
      error: (message, ...args) => {
        reported += 1;
        if (reported > maxReportedDiagnostics) return;
        const detail = args.map((arg) =>
          arg instanceof Error ? arg.message : typeof arg === 'string' ? arg : '',
        );
        const text = [readableDiagnostic(message), ...detail].filter((part) => part !== '').join(' ');
        const suffix =
          reported === maxReportedDiagnostics ? ' Further OpenTelemetry errors are not reported.' : '';
        try {
          onError(
            new ThawError('THAW_TELEMETRY_FAILED', `OpenTelemetry reported an error: ${text}.${suffix}`),
          );
        } catch {
          // A failing error handler must not turn into an exception inside the SDK.
        }
      },
      warn: ignore,
      info: ignore,
      debug: ignore,
      verbose: ignore,
    },
    { logLevel: api.DiagLogLevel.ERROR, suppressOverrideMessage: true },
  );
}

// The SDK's error handler passes exceptions as JSON (stack included); keep what a reader needs.
function readableDiagnostic(message: string): string {
  try {
    const parsed = JSON.parse(message) as { name?: unknown; message?: unknown; code?: unknown } | null;
    if (parsed !== null && typeof parsed === 'object' && typeof parsed.message === 'string') {
      const name = typeof parsed.name === 'string' ? parsed.name : 'Error';
      const code =
        typeof parsed.code === 'string' || typeof parsed.code === 'number' ? ` (code ${parsed.code})` : '';
      return `${name}: ${parsed.message}${code}`;
    }
  } catch {
    // Not JSON: a plain message.
  }
  return message;
}
