// The trace identity of an invocation that runs before a tracer exists. Its span is only created
// later, when the buffered invocation is replayed, yet what the function sends on while it runs
// (publish(), a CloudEvents reply) must already name that span as its parent. So the ids are
// drawn when the invocation starts, kept in an async-local store while it runs, and handed to
// thaw's SDK when the span is replayed, which then has exactly those ids.
import { randomFillSync } from 'node:crypto';
import type { InvocationInfo } from '../lifecycle.ts';
import { parseTraceparent } from './invocation-span.ts';

const { AsyncLocalStorage } = process.getBuiltinModule('node:async_hooks');

/** The ids an invocation's span has (or, passed through, its caller's). */
export interface InvocationIdentity {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
  readonly tracestate?: string;
  /**
   * True: the replayed span is created with these ids (thaw's own SDK). False: the ids are the
   * caller's, passed through unchanged, because the application's tracer provider draws its own.
   */
  readonly preset: boolean;
}

/**
 * The identity of an invocation starting before a tracer exists: the caller's trace (from the
 * W3C `traceparent` header) or a new one, with a new span id when the span can be created with
 * it (`preset`); otherwise the caller's trace context as it came, or none.
 *
 * @example
 * ```ts
 * const identity = invocationIdentity(info.headers, true);
 * ```
 */
export function invocationIdentity(
  headers: InvocationInfo['headers'],
  preset: boolean,
): InvocationIdentity | undefined {
  const traceparent = first(headers['traceparent']);
  const parent = traceparent === undefined ? undefined : parseTraceparent(traceparent);
  const tracestate = parent === undefined ? undefined : first(headers['tracestate']);
  const state = tracestate === undefined || tracestate === '' ? {} : { tracestate };
  if (!preset) return parent === undefined ? undefined : { ...parent, ...state, preset: false };
  return {
    traceId: parent?.traceId ?? randomId(16),
    spanId: randomId(8),
    traceFlags: parent?.traceFlags ?? 1,
    ...state,
    preset: true,
  };
}

// Ids are cut from a pool of random bytes refilled 4 KiB at a time: one call into the system's
// random source per 256 span ids instead of one per id, which was a twentieth of a traced
// server's CPU.
const pool = Buffer.allocUnsafe(4096);
let poolOffset = pool.length;

/**
 * A random non-zero id of `bytes` bytes, in lower-case hex, as W3C Trace Context requires.
 *
 * @example
 * ```ts
 * randomId(8); // '00f067aa0ba902b7'
 * ```
 */
export function randomId(bytes: 8 | 16): string {
  for (;;) {
    if (poolOffset + bytes > pool.length) {
      randomFillSync(pool);
      poolOffset = 0;
    }
    const id = pool.toString('hex', poolOffset, poolOffset + bytes);
    poolOffset += bytes;
    if (!allZero.test(id)) return id;
  }
}

const allZero = /^0+$/;

/**
 * Where a running invocation's identity is kept. Entered only for invocations that start before
 * the tracer exists; later ones are found through OpenTelemetry's own active context.
 *
 * @example
 * ```ts
 * const store = new IdentityStore();
 * store.run(identity, () => handler());
 * store.current(); // inside handler(): identity
 * ```
 */
export class IdentityStore {
  readonly #storage = new AsyncLocalStorage<InvocationIdentity>();

  run<T>(identity: InvocationIdentity, fn: () => T): T {
    return this.#storage.run(identity, fn);
  }

  current(): InvocationIdentity | undefined {
    return this.#storage.getStore();
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
