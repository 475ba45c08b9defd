// The `context` argument of a faas handler, built from the request as faas-js-runtime builds it.
import type { IncomingMessage } from 'node:http';
import type { InvocationContext } from '../../index.ts';
import { queryOf } from '../request-body.ts';
import type { FaasCloudEventResponse, FaasContext, FaasLogger } from './faas-types.ts';

/** Marks an event built by `context.cloudEventResponse()`; turned into an SDK event on reply. */
export const pendingEvent: unique symbol = Symbol('thaw.faas.pending-event');

/** The attributes collected by `cloudEventResponse()`, made into an SDK event when replying. */
export interface PendingEvent {
  readonly [pendingEvent]: true;
  readonly attributes: Record<string, unknown>;
}

/** Builds the context of one invocation. */
export function faasContext(fields: {
  request: IncomingMessage;
  body: unknown;
  rawBody: string | undefined;
  cloudevent: unknown;
  log: FaasLogger;
  thaw: InvocationContext;
}): FaasContext {
  const { request } = fields;
  const query = queryOf(request.url);
  const context = {
    // The query parameters first, as faas-js-runtime copies them onto the context.
    ...query,
    log: fields.log,
    req: request,
    query,
    body: fields.body,
    rawBody: fields.rawBody,
    method: request.method ?? 'GET',
    headers: { ...request.headers },
    httpVersion: request.httpVersion,
    httpVersionMajor: request.httpVersionMajor,
    httpVersionMinor: request.httpVersionMinor,
    contentType: request.headers['content-type'],
    cloudevent: fields.cloudevent,
    thaw: fields.thaw,
    cloudEventResponse: (data: unknown) => eventResponse(data),
  };
  return context;
}

function eventResponse(data: unknown): FaasCloudEventResponse {
  const attributes: Record<string, unknown> = { data };
  const builder: FaasCloudEventResponse = {
    id: (id) => set('id', id),
    source: (source) => set('source', source),
    type: (type) => set('type', type),
    version: (version) => set('specversion', version),
    response: (): PendingEvent => ({ [pendingEvent]: true, attributes }),
  };
  function set(name: string, value: string): FaasCloudEventResponse {
    attributes[name] = value;
    return builder;
  }
  return builder;
}

/** True for what `cloudEventResponse(…).response()` returned. */
export function isPendingEvent(value: unknown): value is PendingEvent {
  return typeof value === 'object' && value !== null && pendingEvent in value;
}
