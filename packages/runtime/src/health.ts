// Liveness, readiness and warm-up: answered before the user handler, never counted as
// invocations, and cheap enough for Knative's startup probing (every 50 ms, 100 ms timeout):
// readiness reads in-memory state only, it never touches a dependency.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InitializerStatus } from './init-registry.ts';
import type { ReadinessCheck } from './lifecycle.ts';

/**
 * Body of a readiness answer.
 *
 * @example
 * ```ts
 * const report = (await (await fetch('http://127.0.0.1:8080/readyz')).json()) as ReadinessReport;
 * ```
 */
export interface ReadinessReport {
  readonly status: 'ready' | 'starting' | 'failing' | 'draining' | 'not-ready' | 'shedding';
  /** Critical initializers that are not ready yet, with their last error. */
  readonly initializers?: readonly InitializerStatus[];
  /** Extra readiness checks (an adapter's `readiness` export) that did not pass. */
  readonly failedChecks?: readonly string[];
  /** Why the handler itself cannot run (a missing optional peer, memory near its limit). */
  readonly error?: string;
}

/** What the served handler needs besides the initializers (the cloudevents SDK, loaded). */
export interface HandlerRequirement {
  readonly ready: boolean;
  /** Set when it failed for good. */
  readonly error?: string | undefined;
}

/**
 * Readiness with the extra checks ANDed in (each bounded by `timeoutMs`, since a probe gives up
 * after 100 ms); a failing check is named in the report.
 */
export async function readinessWithChecks(
  base: { ready: boolean; report: ReadinessReport },
  checks: readonly ReadinessCheck[],
  request: IncomingMessage,
  timeoutMs = 80,
): Promise<{ ready: boolean; report: ReadinessReport }> {
  if (!base.ready || checks.length === 0) return base;
  const results = await Promise.all(checks.map((check) => runCheck(check, request, timeoutMs)));
  const failed = checks.filter((_, index) => !results[index]).map((check) => check.name);
  return failed.length === 0 ? base : { ready: false, report: { status: 'not-ready', failedChecks: failed } };
}

async function runCheck(
  check: ReadinessCheck,
  request: IncomingMessage,
  timeoutMs: number,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, false);
    timer.unref();
  });
  try {
    return await Promise.race([Promise.resolve().then(() => check.check(request)), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Writes a small JSON answer, the shape every health answer has. */
export function writeJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}

/** True for a warm-up request: header `x-thaw-warmup: 1` or the configured warm-up path. */
export function isWarmup(
  headerValue: string | string[] | undefined,
  path: string,
  warmupPath: string | undefined,
): boolean {
  return headerValue === '1' || (warmupPath !== undefined && path === warmupPath);
}
