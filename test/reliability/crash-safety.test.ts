import { Agent } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFixture, type FixtureProcess } from '../../packages/runtime/test/support/fixture-process.ts';
import {
  resetRuntimeState,
  startServer,
  type TestServer,
} from '../../packages/runtime/test/support/in-process.ts';
import { sendRequest } from './support/http-outcome.ts';
import { byForm } from './support/mode.ts';
import { seededRandom } from './support/prng.ts';
import { recordFigures } from './support/results.ts';

const failures = ['/throw', '/reject', '/throw-string', '/reject-late'] as const;

describe('crash safety', () => {
  let server: TestServer | undefined;
  let child: FixtureProcess | undefined;
  afterEach(async () => {
    await server?.handle.close();
    server = undefined;
    resetRuntimeState();
    await child?.stop();
    child = undefined;
  });

  it('answers 500 for a failing invocation only, logs it with its invocation id, and stays up and ready', async () => {
    server = await startServer(async (request) => {
      const path = new URL(request.url).pathname;
      if (path === '/throw') throw new Error('user code threw');
      if (path === '/reject') return Promise.reject(new Error('user code rejected'));
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- a JavaScript handler may throw anything
      if (path === '/throw-string') throw 'a bare string';
      if (path === '/reject-late') {
        await new Promise((resolve) => setTimeout(resolve, 5));
        throw new TypeError('late failure');
      }
      return new Response('fine');
    });
    await server.handle.ready;
    const random = seededRandom(10);
    const total = byForm(400, 4_000);
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    let failing = 0;
    let healthy = 0;
    const wrong: string[] = [];
    try {
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < total) {
            const index = next++;
            const fail = random.chance(0.5);
            const path = fail ? random.pick(failures) : '/ok';
            const id = `inv-${index}`;
            const outcome = await sendRequest({
              port: server!.port,
              path,
              agent,
              headers: { 'x-request-id': id },
            });
            if (fail) {
              failing += 1;
              const body = JSON.parse(outcome.body) as { invocationId?: string };
              if (outcome.status !== 500 || body.invocationId !== id)
                wrong.push(`${path} → ${outcome.status} ${outcome.body}`);
            } else {
              healthy += 1;
              if (outcome.status !== 200 || outcome.body !== 'fine')
                wrong.push(`/ok → ${outcome.status} ${outcome.body}`);
            }
          }
        }),
      );
    } finally {
      agent.destroy();
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    const logged = server.logs.filter(
      (line) => line.level === 'error' && /The handler failed for invocation inv-\d+/.test(line.message),
    );
    expect(logged).toHaveLength(failing);
    expect(logged.every((line) => typeof line.fields?.['invocationId'] === 'string')).toBe(true);
    const ready = await sendRequest({ port: server.port, path: '/readyz' });
    expect(ready.status).toBe(200);
    recordFigures('10. crash safety', 1, {
      requests: total,
      failingInvocations: failing,
      answered500WithInvocationId: failing - wrong.length,
      healthyInvocations: healthy,
      healthyAnswered200: healthy,
      errorLinesWithInvocationId: logged.length,
      readyAfter: ready.status === 200,
    });
  });

  it("ends the process with code 1 on an unhandled rejection outside any request (Node's default, kept on purpose)", async () => {
    child = startFixture(join(import.meta.dirname, 'fixtures', 'background-rejection.ts'));
    const port = await child.port;
    const answered = await sendRequest({ port, path: '/' });
    expect(answered.body).toBe('ok');
    const exit = await Promise.race([
      child.exited,
      new Promise<'still running'>((resolve) => {
        setTimeout(() => {
          resolve('still running');
        }, 10_000).unref();
      }),
    ]);
    expect(exit).toEqual({ code: 1, signal: null });
    expect(child.stderr()).toContain('background refresh failed');
    recordFigures('10. unhandled rejection outside a request', 1, {
      exitCode: 1,
      policy: "Node's default: exit 1",
    });
  });
});
