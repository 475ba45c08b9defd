// faas-js-runtime's health checks: user functions answered at /health/readiness and
// /health/liveness (or their own `path`, or READINESS_URL / LIVENESS_URL), called like Fastify
// route handlers. The readiness one is also ANDed into thaw's /readyz.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaasHealthCheck, FaasReply } from './faas-types.ts';

/** The answer of one health check. */
export interface HealthAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Runs a faas health check (or the default `OK`) and collects what it answered. */
export async function runHealthCheck(
  check: FaasHealthCheck | undefined,
  request: IncomingMessage,
  raw?: ServerResponse,
): Promise<HealthAnswer> {
  const answer: HealthAnswer = {
    status: 200,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: 'OK',
  };
  if (check === undefined) return answer;
  const progress = { sent: false };
  const reply: FaasReply = {
    code(status) {
      answer.status = status;
      return reply;
    },
    status(status) {
      answer.status = status;
      return reply;
    },
    header(name, value) {
      answer.headers[name.toLowerCase()] = value;
      return reply;
    },
    headers(values) {
      for (const [name, value] of Object.entries(values)) answer.headers[name.toLowerCase()] = value;
      return reply;
    },
    type(contentType) {
      answer.headers['content-type'] = contentType;
      return reply;
    },
    send(body) {
      progress.sent = true;
      answer.body = bodyText(body, answer);
      return reply;
    },
    raw,
  };
  try {
    const returned: unknown = await check(request, reply);
    if (!progress.sent && returned !== undefined && returned !== reply)
      answer.body = bodyText(returned, answer);
  } catch (error) {
    return {
      status: 500,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: error instanceof Error ? error.message : String(error),
    };
  }
  return answer;
}

function bodyText(body: unknown, answer: HealthAnswer): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  answer.headers['content-type'] = 'application/json; charset=utf-8';
  return JSON.stringify(body);
}

/** Where a health check is answered: its `path`, else the environment, else faas's default. */
export function healthPath(
  check: FaasHealthCheck | undefined,
  envValue: string | undefined,
  fallback: string,
): string {
  return check?.path ?? (envValue === undefined || envValue === '' ? fallback : envValue);
}
