// What every invocation receives besides its input: whether it is the process's first, its id,
// the drain signal and the Knative environment.
import type { IncomingMessage } from 'node:http';
import { initializerStatuses, type InitializerStatus } from './init-registry.ts';
import type { KnativeEnv } from './knative.ts';

/**
 * The second argument of every handler.
 *
 * @example
 * ```ts
 * serve((request, ctx) => new Response(ctx.coldStart ? 'cold' : 'warm'));
 * ```
 */
export interface InvocationContext {
  /** True for the first invocation of the process only. */
  readonly coldStart: boolean;
  /** `x-request-id`, the CloudEvent's `ce-id`, or a generated UUID. */
  readonly invocationId: string;
  /** Aborted when the process starts draining (SIGTERM): stop long work, answer soon. */
  readonly signal: AbortSignal;
  /** `K_SERVICE`, `K_REVISION`, `K_CONFIGURATION`, `K_SINK`, `K_CE_OVERRIDES`. */
  readonly knative: KnativeEnv;
  /** The function's initializers by name, as they stand now. */
  readonly initializers: ReadonlyMap<string, InitializerStatus>;
}

const contexts = new WeakMap<IncomingMessage, InvocationContext>();

/** Creates the context of one invocation and remembers it for {@link contextOf}. */
export function createContext(
  request: IncomingMessage,
  fields: Omit<InvocationContext, 'initializers'>,
): InvocationContext {
  const context: InvocationContext = {
    ...fields,
    get initializers() {
      return new Map(initializerStatuses().map((status) => [status.name, status]));
    },
  };
  contexts.set(request, context);
  return context;
}

/**
 * The invocation context of a request, for handlers wrapped with `fromNodeListener` (an Express
 * route receives `req` only).
 *
 * @example
 * ```ts
 * app.get('/', (req, res) => res.send(contextOf(req)?.invocationId));
 * ```
 */
export function contextOf(request: IncomingMessage): InvocationContext | undefined {
  return contexts.get(request);
}
