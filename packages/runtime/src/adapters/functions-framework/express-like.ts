// The part of Express's request and response a Functions Framework function uses, added to
// Node's own objects: `req.body` parsed as the framework's body parsers do (JSON, text, forms,
// anything else as bytes, `req.rawBody` kept), `req.query`, `req.path`, `req.get()`, and
// `res.status()`, `res.set()`, `res.send()`, `res.json()`, `res.sendStatus()`, `res.type()`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mediaTypeOf, parseBody, queryOf, type BodyRules } from '../request-body.ts';

/** The request a Functions Framework function receives. */
export interface FrameworkRequest extends IncomingMessage {
  body: unknown;
  rawBody: Buffer | undefined;
  query: Record<string, string | string[]>;
  path: string;
  get: (name: string) => string | undefined;
  header: (name: string) => string | undefined;
}

/** The response a Functions Framework function receives. */
export interface FrameworkResponse extends ServerResponse {
  locals: Record<string, unknown>;
  status: (code: number) => FrameworkResponse;
  set: (name: string | Record<string, string>, value?: string) => FrameworkResponse;
  header: (name: string | Record<string, string>, value?: string) => FrameworkResponse;
  get: (name: string) => string | undefined;
  type: (contentType: string) => FrameworkResponse;
  send: (body?: unknown) => FrameworkResponse;
  json: (body: unknown) => FrameworkResponse;
  sendStatus: (code: number) => FrameworkResponse;
}

const shortTypes: Readonly<Record<string, string>> = {
  json: 'application/json',
  text: 'text/plain',
  html: 'text/html',
  bin: 'application/octet-stream',
};

/** The body as the framework's parsers leave it: JSON value, string, form object or bytes. */
export function frameworkBody(request: IncomingMessage, raw: Buffer): unknown {
  return parseBody(mediaTypeOf(request), raw, frameworkBodyRules);
}

const frameworkBodyRules: BodyRules = {
  json: (type) => type === 'application/json' || type === 'application/cloudevents+json',
  text: (type) => type === 'text/plain',
};

/** Adds the Express-like members to Node's request and response, in place. */
export function expressLike(
  request: IncomingMessage,
  response: ServerResponse,
  raw: Buffer,
): { req: FrameworkRequest; res: FrameworkResponse } {
  const req = request as FrameworkRequest;
  req.rawBody = raw;
  req.body = frameworkBody(request, raw);
  req.query = queryOf(request.url);
  const url = request.url ?? '/';
  const at = url.indexOf('?');
  req.path = at === -1 ? url : url.slice(0, at);
  req.get = (name) => headerText(request.headers[name.toLowerCase()]);
  req.header = req.get;

  const res = response as FrameworkResponse;
  res.locals = {};
  res.status = (code) => {
    res.statusCode = code;
    return res;
  };
  res.set = (name, value) => {
    if (typeof name === 'object') for (const [key, text] of Object.entries(name)) res.setHeader(key, text);
    else if (value !== undefined) res.setHeader(name, value);
    return res;
  };
  res.header = res.set;
  res.get = (name) => headerText(res.getHeader(name));
  res.type = (contentType) => {
    res.setHeader('content-type', shortTypes[contentType] ?? contentType);
    return res;
  };
  res.json = (body) => {
    if (!res.hasHeader('content-type')) res.setHeader('content-type', 'application/json; charset=utf-8');
    return send(res, req, Buffer.from((JSON.stringify(body) as string | undefined) ?? ''));
  };
  res.send = (body) => {
    if (body === undefined || body === null) return send(res, req, Buffer.alloc(0));
    if (typeof body === 'string') {
      if (!res.hasHeader('content-type')) res.setHeader('content-type', 'text/html; charset=utf-8');
      return send(res, req, Buffer.from(body));
    }
    if (Buffer.isBuffer(body) || body instanceof Uint8Array) {
      if (!res.hasHeader('content-type')) res.setHeader('content-type', 'application/octet-stream');
      return send(res, req, Buffer.from(body));
    }
    return res.json(body);
  };
  res.sendStatus = (code) => {
    res.statusCode = code;
    if (!res.hasHeader('content-type')) res.setHeader('content-type', 'text/plain; charset=utf-8');
    return send(
      res,
      req,
      Buffer.from(process.getBuiltinModule('node:http').STATUS_CODES[code] ?? String(code)),
    );
  };
  return { req, res };
}

function send(res: FrameworkResponse, req: FrameworkRequest, bytes: Buffer): FrameworkResponse {
  // 204 and 304 carry no body (Express strips it too).
  const bodyless = res.statusCode === 204 || res.statusCode === 304;
  if (bodyless) {
    res.removeHeader('content-type');
    res.end();
    return res;
  }
  res.setHeader('content-length', bytes.length);
  res.end(req.method === 'HEAD' ? undefined : bytes);
  return res;
}

function headerText(value: string | string[] | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}
