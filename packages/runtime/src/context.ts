// What every invocation receives besides its input: whether it is the process's first, its id,
// the drain signal and the Knative environment. Built once per request on the warm path, so it
// is one small object whose id is only drawn when someone reads it.
import type { IncomingMessage } from 'node:http';
import { initializerStatuses, type InitializerStatus } from './init-registry.ts';
import { newInvocationId } from './invocation-id.ts';
import type { KnativeEnv } from './knative.ts';
import { joinedRawHeader } from './raw-headers.ts';

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

/** What the pipeline knows of an invocation when it starts. */
export interface ContextFields {
  readonly coldStart: boolean;
  /** Whether `ce-id` may name the invocation (CloudEvents handlers). */
  readonly cloudEvent: boolean;
  readonly signal: AbortSignal;
  readonly knative: KnativeEnv;
}

const contextKey: unique symbol = Symbol('thaw.runtime.invocation-context');
type WithContext = IncomingMessage & { [contextKey]?: InvocationContext };

// Symbol keys rather than #private fields: an object made with Object.create(context) (the
// CloudEvents handler narrows the id that way) reads them through its prototype, and they stay
// out of the context's enumerable shape.
const idKey: unique symbol = Symbol('invocationId');
const requestKey: unique symbol = Symbol('request');
const cloudEventKey: unique symbol = Symbol('cloudEvent');

class Invocation implements InvocationContext {
  readonly coldStart: boolean;
  readonly signal: AbortSignal;
  readonly knative: KnativeEnv;
  readonly [requestKey]: IncomingMessage;
  readonly [cloudEventKey]: boolean;
  [idKey]: string | undefined = undefined;

  constructor(request: IncomingMessage, fields: ContextFields) {
    this.coldStart = fields.coldStart;
    this.signal = fields.signal;
    this.knative = fields.knative;
    this[requestKey] = request;
    this[cloudEventKey] = fields.cloudEvent;
  }

  get invocationId(): string {
    return (this[idKey] ??= pickInvocationId(this[requestKey], this[cloudEventKey]));
  }

  get initializers(): ReadonlyMap<string, InitializerStatus> {
    return new Map(initializerStatuses().map((status) => [status.name, status]));
  }
}
// The id is a getter on the prototype; JSON.stringify(ctx) still shows it.
Object.defineProperty(Invocation.prototype, 'toJSON', {
  value(this: Invocation) {
    return { coldStart: this.coldStart, invocationId: this.invocationId, knative: this.knative };
  },
});

/** Creates the context of one invocation and remembers it for {@link contextOf}. */
export function createContext(request: IncomingMessage, fields: ContextFields): InvocationContext {
  const context = new Invocation(request, fields);
  (request as WithContext)[contextKey] = context;
  return context;
}

/**
 * The invocation's id: the caller's `x-request-id`, a CloudEvent's `ce-id`, else a new UUID.
 * Read from the headers only when asked for, which most warm requests never are.
 */
function pickInvocationId(request: IncomingMessage, cloudEvent: boolean): string {
  // From rawHeaders, as request.headers would have them (repeats joined with ", ").
  const fromHeader =
    joinedRawHeader(request, 'x-request-id') ?? (cloudEvent ? joinedRawHeader(request, 'ce-id') : undefined);
  if (typeof fromHeader === 'string' && fromHeader !== '' && fromHeader.length <= 200) return fromHeader;
  return newInvocationId();
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
  return (request as WithContext)[contextKey];
}
