// The three kinds of handler serve() accepts. The kind is said explicitly by wrapping, never
// guessed from a function's arity: a plain function is a web-standard handler.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InvocationContext } from '../context.ts';
import { ThawError } from '../errors.ts';
import type { CloudEventInit, ReceivedCloudEvent } from '../cloud-events/types.ts';
import { handlerKindKey } from '../process-keys.ts';

/**
 * A web-standard handler: a `Request` in, a `Response` out.
 *
 * @example
 * ```ts
 * const hello: WebHandler = (request) => new Response(`Hello ${new URL(request.url).pathname}`);
 * serve(hello);
 * ```
 */
export type WebHandler = (request: Request, ctx: InvocationContext) => Response | Promise<Response>;

/** A Node listener, as `node:http`, Express or Connect take it. */
export type NodeListener = (request: IncomingMessage, response: ServerResponse) => unknown;

/** A CloudEvents handler; a returned event becomes the reply. */
// `void` is deliberate: a handler written as `(event) => { … }` returns void, not undefined.
/* eslint-disable @typescript-eslint/no-invalid-void-type */
export type CloudEventFunction<T = unknown> = (
  event: ReceivedCloudEvent<T>,
  ctx: InvocationContext,
) => CloudEventInit | undefined | void | Promise<CloudEventInit | undefined | void>;
/* eslint-enable @typescript-eslint/no-invalid-void-type */

/** A Node listener marked for serve(); made by {@link fromNodeListener}. */
export interface NodeListenerHandler {
  readonly [handlerKindKey]: 'node-listener';
  readonly listener: NodeListener;
}

/** A CloudEvents function marked for serve(); made by {@link cloudEvent}. */
export interface CloudEventHandler {
  readonly [handlerKindKey]: 'cloud-event';
  readonly fn: CloudEventFunction<never>;
}

/** Anything serve() accepts. */
export type Handler = WebHandler | NodeListenerHandler | CloudEventHandler;

/** serve()'s view of a handler after validation. */
export type ClassifiedHandler =
  | { readonly kind: 'web'; readonly fn: WebHandler }
  | { readonly kind: 'node-listener'; readonly fn: NodeListener }
  | { readonly kind: 'cloud-event'; readonly fn: CloudEventFunction<never> };

/**
 * Wraps an existing Node listener (an Express app, a `node:http` callback) so serve() runs it
 * with health, readiness, warm-up and graceful shutdown around it.
 *
 * @example
 * ```ts
 * import express from 'express';
 * const app = express().get('/', (_req, res) => res.send('hi'));
 * serve(fromNodeListener(app));
 * ```
 */
export function fromNodeListener(listener: NodeListener): NodeListenerHandler {
  if (typeof listener !== 'function') throw invalid('fromNodeListener()', listener, 'a (req, res) listener');
  return Object.freeze({ [handlerKindKey]: 'node-listener' as const, listener });
}

/**
 * Marks a function as a CloudEvents handler: binary and structured HTTP modes are accepted and
 * validated against CloudEvents 1.0 before it runs; a returned event is the reply (binary mode).
 *
 * @example
 * ```ts
 * serve(cloudEvent<{ orderId: string }>((event) => ({
 *   type: 'com.example.order.checked', source: '/risk', data: { orderId: event.data?.orderId },
 * })));
 * ```
 */
export function cloudEvent<T = unknown>(fn: CloudEventFunction<T>): CloudEventHandler {
  if (typeof fn !== 'function') throw invalid('cloudEvent()', fn, 'an (event, ctx) function');
  return Object.freeze({ [handlerKindKey]: 'cloud-event' as const, fn });
}

/** Validates what serve() was given and says which kind it is. */
export function classifyHandler(handler: unknown): ClassifiedHandler {
  if (typeof handler === 'function') return { kind: 'web', fn: handler as WebHandler };
  if (typeof handler === 'object' && handler !== null && handlerKindKey in handler) {
    const marked = handler as NodeListenerHandler | CloudEventHandler;
    return marked[handlerKindKey] === 'node-listener'
      ? { kind: 'node-listener', fn: marked.listener }
      : { kind: 'cloud-event', fn: marked.fn };
  }
  throw invalid(
    'serve()',
    handler,
    'a function (request, ctx) => Response, fromNodeListener(app) or cloudEvent(fn)',
  );
}

function invalid(where: string, received: unknown, expected: string): ThawError {
  const got = received === null ? 'null' : Array.isArray(received) ? 'an array' : typeof received;
  return new ThawError(
    'THAW_HANDLER_INVALID',
    `${where} needs ${expected}, but received ${got}. Pass the handler function itself (not the result of calling it).`,
  );
}
