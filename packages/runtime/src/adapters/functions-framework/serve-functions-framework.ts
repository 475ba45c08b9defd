// Serves a function written for Google's Functions Framework unchanged: one registered with
// `functions.http(name, fn)` or `functions.cloudEvent(name, fn)`, or a plain exported
// `(req, res)`, chosen by a target name as the framework's `--target` / FUNCTION_TARGET does.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../../handlers/read-body.ts';
import {
  ConfigError,
  defaultServeOptions,
  fromNodeListener,
  serve,
  type ServeOptions,
  type ServerHandle,
} from '../../index.ts';
import { expressLike, type FrameworkResponse } from './express-like.ts';
import { findTarget, type SignatureType } from './find-target.ts';

/**
 * Options of {@link serveFunctionsFramework}: serve()'s, plus how to find the function.
 *
 * @example
 * ```ts
 * serveFunctionsFramework({ target: 'helloHttp', module: await import('./index.js') });
 * ```
 */
export interface FunctionsFrameworkOptions extends ServeOptions {
  /** The function's name. @default the `FUNCTION_TARGET` environment variable, else 'function' */
  readonly target?: string;
  /** The module whose exports hold the target when it is not registered. @default none */
  readonly module?: unknown;
  /** Signature of an exported (not registered) function. @default `FUNCTION_SIGNATURE_TYPE`, else 'http' */
  readonly signatureType?: SignatureType;
  /** Where the Functions Framework package is resolved from. @default the main script */
  readonly resolveFrom?: string;
}

// The framework answers these itself for HTTP functions, so crawlers never invoke the function.
const ignoredPaths = new Set(['/favicon.ico', '/robots.txt']);

/**
 * Serves a Functions Framework function with thaw.
 *
 * @example
 * ```ts
 * import * as functions from '@google-cloud/functions-framework';
 * import { serveFunctionsFramework } from '@thaw/runtime/adapters';
 * functions.http('helloHttp', (req, res) => res.send(`Hello ${req.query.name ?? 'World'}!`));
 * serveFunctionsFramework({ target: 'helloHttp' });
 * ```
 */
export function serveFunctionsFramework(options: FunctionsFrameworkOptions = {}): ServerHandle {
  const env = options.env ?? process.env;
  const { target: _target, module, signatureType: _type, resolveFrom, ...serveOptions } = options;
  const target = options.target ?? nonEmpty(env['FUNCTION_TARGET']) ?? 'function';
  const signatureType = options.signatureType ?? signatureFromEnv(env['FUNCTION_SIGNATURE_TYPE']);
  const from = resolveFrom ?? process.argv[1] ?? `${process.cwd()}/`;
  const found = findTarget({ target, module, signatureType, from });
  const limit = options.maxBodyBytes ?? defaultServeOptions.maxBodyBytes;

  const listener = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const raw = await readBody(request, limit);
    const { req, res } = expressLike(request, response, raw);
    if (found.signatureType === 'http') {
      if (ignoredPaths.has(path)) {
        res.status(404).send();
        return;
      }
      await (found.fn as (req: unknown, res: unknown) => unknown)(req, res);
      return;
    }
    if (request.method !== 'POST') {
      res
        .status(405)
        .set('allow', 'POST')
        .send(`CloudEvents are delivered with POST, not ${request.method ?? 'an unknown method'}.`);
      return;
    }
    const event = frameworkEvent(request, req.body);
    const fn = found.fn as (event: unknown, callback?: (error: unknown, result?: unknown) => void) => unknown;
    // A two-argument function is the callback style; the framework waits for the callback.
    const result =
      fn.length >= 2
        ? await new Promise((resolve, reject) => {
            fn(event, (error, value) => {
              if (error !== null && error !== undefined)
                reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
              else resolve(value);
            });
          })
        : await fn(event);
    sendResult(res, result);
  };
  return serve(fromNodeListener(listener), serveOptions);
}

// Binary mode: the ce-* headers are the attributes and the parsed body the data; structured
// mode: the parsed body is the event. A plain object, as the framework passes it.
function frameworkEvent(request: IncomingMessage, body: unknown): Record<string, unknown> {
  const headers = request.headers;
  const binary = ['ce-type', 'ce-specversion', 'ce-source', 'ce-id'].every(
    (name) => headers[name] !== undefined,
  );
  const event: Record<string, unknown> = {};
  if (binary) {
    for (const [name, value] of Object.entries(headers)) {
      if (name.startsWith('ce-') && value !== undefined)
        event[name.slice(3)] = Array.isArray(value) ? value.join(', ') : value;
    }
    event['data'] = body;
  } else if (typeof body === 'object' && body !== null && !Buffer.isBuffer(body)) {
    Object.assign(event, body);
  }
  if (typeof headers.traceparent === 'string') event['traceparent'] = headers.traceparent;
  return event;
}

// The framework's sendResponse: nothing is a 204, a number is JSON, anything else res.send().
function sendResult(res: FrameworkResponse, result: unknown): void {
  if (res.headersSent) return;
  if (result === undefined || result === null) res.sendStatus(204);
  else if (typeof result === 'number') res.json(result);
  else res.send(result);
}

function signatureFromEnv(raw: string | undefined): SignatureType | undefined {
  const value = nonEmpty(raw);
  if (value === undefined) return undefined;
  if (value !== 'http' && value !== 'cloudevent')
    throw new ConfigError('FUNCTION_SIGNATURE_TYPE', value, "'http' or 'cloudevent'");
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
