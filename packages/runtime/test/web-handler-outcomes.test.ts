import { afterEach, describe, expect, it } from 'vitest';
import { HttpError } from '../src/errors.ts';
import { wrapInvocations, type InvocationOutcome } from '../src/lifecycle.ts';
import { get } from './support/fixture-process.ts';
import { resetRuntimeState, startServer, type TestServer } from './support/in-process.ts';

// A web handler may answer synchronously, with a promise, or with a thenable that is not a
// native promise; it may throw, reject or return something that is not a Response. Each of these
// must be answered the same whether or not an invocation wrapper (tracing) waits for the outcome.
function handler(request: Request): unknown {
  const path = new URL(request.url).pathname;
  switch (path) {
    case '/sync':
      return new Response('sync', { headers: { 'x-kind': 'sync' } });
    case '/sync-throw':
      throw new Error('thrown synchronously');
    case '/sync-http-error':
      throw new HttpError(422, 'Not like this.');
    case '/sync-not-a-response':
      return { status: 200 };
    case '/thenable':
      // Resolves on a later turn, as a library's own promise type might.
      return {
        then(resolve: (value: Response) => void) {
          setImmediate(() => {
            resolve(Response.json({ via: 'thenable' }));
          });
        },
      };
    case '/thenable-reject':
      return {
        then(_resolve: unknown, reject: (reason: unknown) => void) {
          reject(new Error('thenable rejected'));
        },
      };
    case '/stream':
      return new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('one,'));
            controller.enqueue(new TextEncoder().encode('two'));
            controller.close();
          },
        }),
      );
    default:
      return Promise.resolve(new Response('async'));
  }
}

async function answers(port: number): Promise<Record<string, { status: number; body: string }>> {
  const paths = [
    '/sync',
    '/sync-throw',
    '/sync-http-error',
    '/sync-not-a-response',
    '/thenable',
    '/thenable-reject',
    '/stream',
    '/async',
  ];
  const out: Record<string, { status: number; body: string }> = {};
  for (const path of paths) {
    const { status, body } = await get(port, path, { headers: { 'x-request-id': `id${path}` } });
    out[path] = { status, body };
  }
  return out;
}

const expected = {
  '/sync': { status: 200, body: 'sync' },
  '/sync-throw': {
    status: 500,
    body: JSON.stringify({ error: 'Internal Server Error', invocationId: 'id/sync-throw' }),
  },
  '/sync-http-error': {
    status: 422,
    body: JSON.stringify({
      error: 'THAW_HTTP_ERROR',
      message: 'Not like this.',
      invocationId: 'id/sync-http-error',
    }),
  },
  '/sync-not-a-response': {
    status: 500,
    body: JSON.stringify({ error: 'Internal Server Error', invocationId: 'id/sync-not-a-response' }),
  },
  '/thenable': { status: 200, body: JSON.stringify({ via: 'thenable' }) },
  '/thenable-reject': {
    status: 500,
    body: JSON.stringify({ error: 'Internal Server Error', invocationId: 'id/thenable-reject' }),
  },
  '/stream': { status: 200, body: 'one,two' },
  '/async': { status: 200, body: 'async' },
};

describe('a web handler answering in each way it may', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.handle.close();
    resetRuntimeState();
  });

  it('is answered alike with no invocation wrapper, once the web support is loaded', async () => {
    server = await startServer(handler as never);
    await server.handle.ready;
    expect(await answers(server.port)).toEqual(expected);
    const logged = server.logs.filter((line) => line.level === 'error').map((line) => line.message);
    expect(logged.some((m) => m.includes('id/sync-throw') && m.includes('thrown synchronously'))).toBe(true);
    expect(
      logged.some((m) => m.includes('id/sync-not-a-response') && m.includes('instead of a Response')),
    ).toBe(true);
    expect(logged.some((m) => m.includes('id/thenable-reject') && m.includes('thenable rejected'))).toBe(
      true,
    );
    expect(logged.some((m) => m.includes('id/sync-http-error'))).toBe(false);
  });

  it('is answered alike inside an invocation wrapper, which sees each outcome', async () => {
    const outcomes: Array<[string, number, boolean]> = [];
    wrapInvocations(async (info, run) => {
      const outcome: InvocationOutcome = await run();
      outcomes.push([info.target, outcome.status, outcome.error !== undefined]);
      return outcome;
    });
    server = await startServer(handler as never);
    await server.handle.ready;
    expect(await answers(server.port)).toEqual(expected);
    expect(outcomes).toEqual([
      ['/sync', 200, false],
      ['/sync-throw', 500, true],
      ['/sync-http-error', 422, true],
      ['/sync-not-a-response', 500, true],
      ['/thenable', 200, false],
      ['/thenable-reject', 500, true],
      ['/stream', 200, false],
      ['/async', 200, false],
    ]);
  });
});
