// Serves a function written for faas-js-runtime (knative/func's Node.js and TypeScript
// templates) unchanged: `handle(context, body)` for plain requests and `handle(context, event)`
// for CloudEvents, with its optional exports mapped onto thaw's life — `init` is a critical
// initializer, `shutdown` a disposer, `readiness` is ANDed into /readyz, /health/readiness and
// /health/liveness are answered, FUNC_PORT, FUNC_LOG_LEVEL and FUNC_BODY_LIMIT are honoured.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadCloudEventsSdk, type CloudEventsSdk } from '../../cloud-events/sdk.ts';
import { readBody } from '../../handlers/read-body.ts';
// The public entry, not its modules: the built adapters import the built runtime, so there is
// one copy of serve(), the error classes and the process-wide state.
import {
  ConfigError,
  HttpError,
  ThawError,
  contextOf,
  defaultServeOptions,
  fromNodeListener,
  init,
  jsonLogger,
  serve,
  type Logger,
  type ServeOptions,
  type ServerHandle,
} from '../../index.ts';
// The lifecycle's integration verbs are not public: bundled here, they act on the one
// process-wide lifecycle state (a shared key, see process-keys.ts) that the runtime's serve() reads.
import { addReadinessCheck, addReadinessPath, addRoute, onShutdown } from '../../lifecycle.ts';
import { mediaTypeOf, parseBody, type BodyRules } from '../request-body.ts';
import { faasContext, isPendingEvent } from './faas-context.ts';
import { runHealthCheck, healthPath } from './faas-health.ts';
import { faasLogger, faasLogLevel } from './faas-logger.ts';
import { answerFor, defaultHeaders, isSdkCloudEvent, type FaasAnswer } from './faas-reply.ts';
import type { FaasModule } from './faas-types.ts';

/**
 * Serves a faas-js-runtime function with thaw: the module's exports as they are.
 *
 * @example
 * ```ts
 * // index.ts of a knative/func TypeScript function, one line added at the end:
 * import { serveFaas } from '@thaw/runtime/adapters';
 * export const handle = async (context, body) => ({ body: 'OK', headers: { 'content-type': 'text/plain' } });
 * serveFaas({ handle });
 * ```
 */
export function serveFaas(fn: unknown, options: ServeOptions = {}): ServerHandle {
  const mod = faasModuleOf(fn);
  const env = options.env ?? process.env;
  const logger = options.logger ?? jsonLogger();
  const port = options.port ?? intFromEnv(env, 'FUNC_PORT', 0, 65_535);
  const maxBodyBytes = options.maxBodyBytes ?? intFromEnv(env, 'FUNC_BODY_LIMIT', 1, Number.MAX_SAFE_INTEGER);
  registerFaasHooks(mod, env);
  const listener = faasListener(mod, {
    logger,
    level: faasLogLevel(env),
    includeRaw: (env['FUNC_INCLUDE_RAW'] ?? '') !== '',
    limit: maxBodyBytes ?? defaultServeOptions.maxBodyBytes,
    allowedOrigins: mod.cors?.(),
    initialized:
      mod.init === undefined ? undefined : init('faas init', () => mod.init?.(), { when: 'critical' }),
  });
  return serve(fromNodeListener(listener), {
    ...options,
    logger,
    ...(port === undefined ? {} : { port }),
    ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
  });
}

// The module's `shutdown`, `readiness` and `liveness` exports, mapped onto thaw's lifecycle.
function registerFaasHooks(mod: FaasModule, env: NodeJS.ProcessEnv): void {
  const { shutdown, readiness, liveness } = mod;
  if (shutdown !== undefined) {
    onShutdown('faas shutdown', async () => {
      await shutdown();
    });
  }
  if (readiness !== undefined) {
    addReadinessCheck({
      name: 'faas readiness',
      check: async (request) => (await runHealthCheck(readiness, request)).status < 400,
    });
  }
  addReadinessPath(healthPath(readiness, env['READINESS_URL'], '/health/readiness'));
  addRoute(healthPath(liveness, env['LIVENESS_URL'], '/health/liveness'), async (request) => {
    if (request === undefined)
      throw new ThawError('THAW_HANDLER_INVALID', 'The liveness route needs the request.');
    const answer = await runHealthCheck(liveness, request);
    return { status: answer.status, headers: answer.headers, body: answer.body };
  });
}

interface FaasSettings {
  readonly logger: Logger;
  readonly level: ReturnType<typeof faasLogLevel>;
  readonly includeRaw: boolean;
  readonly limit: number;
  readonly allowedOrigins: ReturnType<NonNullable<FaasModule['cors']>> | undefined;
  readonly initialized: (() => Promise<unknown>) | undefined;
}

type FaasListener = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

function faasListener(mod: FaasModule, settings: FaasSettings): FaasListener {
  let sdk: CloudEventsSdk | undefined;
  const loadSdk = async (): Promise<CloudEventsSdk> =>
    (sdk ??= await loadCloudEventsSdk('a faas CloudEvent function'));
  return async (request, response) => {
    const base = defaultHeaders(request.headers.origin, settings.allowedOrigins);
    if (request.method === 'OPTIONS') {
      answerPreflight(request, response, base);
      return;
    }
    // faas-js-runtime runs init before it listens; thaw listens first, so a request waits for it.
    if (settings.initialized !== undefined) await settings.initialized();
    const raw = await readBody(request, settings.limit);
    const type = mediaTypeOf(request);
    const isEvent =
      request.headers['ce-specversion'] !== undefined || type === 'application/cloudevents+json';
    const event = isEvent ? toEvent(await loadSdk(), request, type, raw) : undefined;
    const body = isEvent ? undefined : faasBody(type, raw);
    const context = contextFor(request, settings, { body, raw, event });
    let returned = await runHandle(mod, context, isEvent ? event : body);
    if (isPendingEvent(returned)) returned = new (await loadSdk()).CloudEvent(returned.attributes);
    else if (isSdkCloudEvent(returned, sdk) && sdk === undefined) await loadSdk();
    write(response, request, answerFor(returned, base, sdk));
  };
}

function answerPreflight(
  request: IncomingMessage,
  response: ServerResponse,
  base: Record<string, string>,
): void {
  write(response, request, {
    status: 204,
    headers: {
      ...base,
      'access-control-allow-origin': base['access-control-allow-origin'] ?? '*',
      'access-control-allow-headers': '*',
    },
    body: undefined,
  });
}

function contextFor(
  request: IncomingMessage,
  settings: FaasSettings,
  input: { body: unknown; raw: Buffer; event: unknown },
): ReturnType<typeof faasContext> {
  const thaw = contextOf(request);
  if (thaw === undefined)
    throw new ThawError('THAW_HANDLER_INVALID', 'serveFaas() handlers run only inside serve().');
  return faasContext({
    request,
    body: input.body,
    rawBody: settings.includeRaw ? input.raw.toString('utf8') : undefined,
    cloudevent: input.event,
    log: faasLogger(settings.logger, settings.level, { invocationId: thaw.invocationId }),
    thaw,
  });
}

// A thrown error with a status becomes that HTTP answer, as faas-js-runtime does.
async function runHandle(
  mod: FaasModule,
  context: ReturnType<typeof faasContext>,
  input: unknown,
): Promise<unknown> {
  try {
    return await mod.handle(context, input as never);
  } catch (error) {
    const status = statusOf(error);
    if (status === undefined) throw error;
    throw new HttpError(status, error instanceof Error ? error.message : String(error), { cause: error });
  }
}

/** The faas exports of a module: `handle` and friends, from a namespace, a CommonJS default or a bare function. */
export function faasModuleOf(fn: unknown): FaasModule {
  if (typeof fn === 'function') return { handle: fn as FaasModule['handle'] };
  if (typeof fn === 'object' && fn !== null) {
    const candidate = fn as Partial<FaasModule> & { default?: unknown };
    if (typeof candidate.handle === 'function') return candidate as FaasModule;
    if (candidate.default !== undefined && candidate.default !== fn) return faasModuleOf(candidate.default);
  }
  throw new ThawError(
    'THAW_HANDLER_INVALID',
    `serveFaas() needs a module exporting handle(context, body) (a faas-js-runtime / knative func function), but received ${fn === null ? 'null' : typeof fn} without one. Pass the module itself: import * as fn from './index.js'; serveFaas(fn).`,
  );
}

// faas-js-runtime parses application/json and forms; text/plain is a string; the rest are bytes.
const faasBodyRules: BodyRules = {
  json: (type) => type === 'application/json',
  text: (type) => type === 'text/plain',
};

function faasBody(type: string | undefined, raw: Buffer): unknown {
  return parseBody(type, raw, faasBodyRules);
}

function toEvent(
  sdk: CloudEventsSdk,
  request: IncomingMessage,
  type: string | undefined,
  raw: Buffer,
): unknown {
  const structured = type === 'application/cloudevents+json';
  let event: unknown;
  try {
    const body = structured ? raw.toString('utf8') : faasBody(type, raw);
    event = sdk.HTTP.toEvent({ headers: request.headers, body });
    if (Array.isArray(event)) throw new Error('batched events are not supported; send one event per request');
    (event as { validate(): boolean }).validate();
  } catch (error) {
    throw new HttpError(400, `The request is not a valid CloudEvent: ${describe(error)}`, { cause: error });
  }
  return event;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const errors = (error as { errors?: unknown }).errors;
    return Array.isArray(errors) && errors.length > 0
      ? `${error.message} (${JSON.stringify(errors)})`
      : error.message;
  }
  return String(error);
}

// An error carrying an HTTP status (faas-js-runtime answers `err.code`) keeps that status.
function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  for (const key of ['statusCode', 'status', 'code'] as const) {
    const value = (error as Record<string, unknown>)[key];
    if (typeof value === 'number' && Number.isInteger(value) && value >= 400 && value <= 599) return value;
  }
  return undefined;
}

function write(response: ServerResponse, request: IncomingMessage, answer: FaasAnswer): void {
  const headers: Record<string, string | number> = { ...answer.headers };
  if (answer.body !== undefined) headers['content-length'] = answer.body.length;
  response.writeHead(answer.status, headers);
  response.end(request.method === 'HEAD' ? undefined : answer.body);
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, raw, `an integer from ${min} to ${max}`);
  }
  return value;
}
