// The shapes of a function written for faas-js-runtime (knative/func's Node.js and TypeScript
// templates), declared here so a ported function type-checks without faas-js-runtime installed.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { InvocationContext } from '../../index.ts';

/** The `context.log` of a faas function: pino's level methods. */
export interface FaasLogger {
  trace(...args: unknown[]): void;
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  fatal(...args: unknown[]): void;
}

/**
 * The first argument of `handle(context, body)`, as faas-js-runtime builds it; the query
 * parameters are also copied onto it, as faas-js-runtime does.
 *
 * @example
 * ```ts
 * export const handle = (context: FaasContext) => ({ body: `hi ${String(context.query?.name)}` });
 * ```
 */
export interface FaasContext {
  readonly log: FaasLogger;
  readonly req: IncomingMessage;
  readonly query: Record<string, string | string[]>;
  readonly body: unknown;
  /** The body as text, only when `FUNC_INCLUDE_RAW` is set (as in faas-js-runtime). */
  readonly rawBody: string | undefined;
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly httpVersion: string;
  readonly httpVersionMajor: number;
  readonly httpVersionMinor: number;
  readonly contentType: string | undefined;
  /** The received event (a `cloudevents` SDK CloudEvent) when the request is one. */
  readonly cloudevent: unknown;
  /** thaw's own invocation context: cold start, invocation id, drain signal. */
  readonly thaw: InvocationContext;
  /** Builds a reply event: `context.cloudEventResponse(data).type(t).source(s).response()`. */
  cloudEventResponse(data: unknown): FaasCloudEventResponse;
  readonly [queryParameter: string]: unknown;
}

/** The builder `context.cloudEventResponse()` returns. */
export interface FaasCloudEventResponse {
  id(id: string): FaasCloudEventResponse;
  source(source: string): FaasCloudEventResponse;
  type(type: string): FaasCloudEventResponse;
  version(version: string): FaasCloudEventResponse;
  /** The event; the cloudevents SDK must be installed. */
  response(): unknown;
}

/** What a faas handler may return besides an event: a StructuredReturn, a body, or nothing. */
export interface StructuredReturn {
  readonly statusCode?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** A faas `handle` (HTTP or CloudEvent form: the second argument is the body or the event). */
export type FaasHandle = (context: FaasContext, bodyOrEvent?: never) => unknown;

/**
 * A faas health check: called as a route handler `(request, reply)`; what it returns is the body
 * of a 200, a throw or `reply.code(503)` makes it fail. `path` overrides where it is answered.
 */
export interface FaasHealthCheck {
  (request: IncomingMessage, reply: FaasReply): unknown;
  path?: string;
}

/** The reply object a health check receives (the part of Fastify's reply health checks use). */
export interface FaasReply {
  code(status: number): FaasReply;
  status(status: number): FaasReply;
  header(name: string, value: string): FaasReply;
  headers(values: Readonly<Record<string, string>>): FaasReply;
  type(contentType: string): FaasReply;
  send(body?: unknown): FaasReply;
  readonly raw: ServerResponse | undefined;
}

/**
 * A module written for faas-js-runtime: `handle` plus the optional lifecycle exports.
 *
 * @example
 * ```ts
 * import * as fn from './index.js';
 * serveFaas(fn);
 * ```
 */
export interface FaasModule {
  readonly handle: (context: FaasContext, bodyOrEvent?: never) => unknown;
  readonly init?: () => unknown;
  readonly shutdown?: () => unknown;
  readonly cors?: () => readonly string[];
  readonly liveness?: FaasHealthCheck;
  readonly readiness?: FaasHealthCheck;
}
