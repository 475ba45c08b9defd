// The OTLP/HTTP exporter's first export imports `http` (or `https`) as an ES module. Building
// that module namespace runs Node's lazy getters (`WebSocket` and its events), which load Node's
// fetch implementation (undici) and the built-ins it needs — tls, http2, zlib, worker_threads —
// in one synchronous run: tens of ms on a whole core, several times that on a small CPU share,
// on whichever timer fires the first export. thaw loads them beforehand, as paced steps of the
// SDK load, so that the largest remaining step is undici itself.
import type { Pace } from './load-pacer.ts';

/** The built-ins undici needs, loaded one per step before it. */
export const sendPathBuiltins = [
  'node:assert',
  'node:tls',
  'node:zlib',
  'node:http2',
  'node:worker_threads',
  'node:readline',
] as const;

/**
 * Loads what the exporter's first send to `endpoint` would load, a step at a time; does nothing
 * without an endpoint (another exporter sends).
 *
 * @example
 * ```ts
 * await preloadSendPath('http://127.0.0.1:4318/v1/traces', pacer.pace);
 * ```
 */
export async function preloadSendPath(endpoint: string | undefined, pace: Pace): Promise<void> {
  if (endpoint === undefined) return;
  for (const name of sendPathBuiltins) {
    await pace();
    process.getBuiltinModule(name);
  }
  await pace();
  // The exporter's own specifiers, `http` and `https`, name these same modules.
  if (endpoint.startsWith('https:')) await import('node:https');
  else await import('node:http');
}
