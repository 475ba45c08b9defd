import { afterEach, describe, expect, it } from 'vitest';
import { get, startFixture, type FixtureProcess } from './support/fixture-process.ts';

const event = {
  method: 'POST',
  headers: {
    'ce-specversion': '1.0',
    'ce-id': 'e1',
    'ce-source': '/orders',
    'ce-type': 'com.example.order',
    'content-type': 'application/json',
  },
  body: '{}',
};

describe('requests that arrive before the function is ready', () => {
  let fixture: FixtureProcess | undefined;
  afterEach(async () => {
    await fixture?.stop();
    fixture = undefined;
  });

  for (const [kind, expected] of [
    ['node-listener', 200],
    ['web', 200],
    ['cloud-event', 204],
  ] as const) {
    it(`are held until the failing critical initializer succeeds, then served (${kind})`, async () => {
      // Two failed attempts of 300 ms each, then success: about 0.7 s before ready.
      fixture = startFixture('held-requests', { env: { KIND: kind, INIT_FAILURES: '2' } });
      const port = await fixture.port;
      expect((await get(port, '/readyz')).status).toBe(503);
      const options = kind === 'cloud-event' ? event : {};
      const answers = await Promise.all(Array.from({ length: 10 }, () => get(port, '/', options)));
      expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 10 }, () => expected));
      if (kind !== 'cloud-event') expect(answers[0]?.body).toBe('order-1');
      expect((await get(port, '/readyz')).status).toBe(200);
      expect(fixture.child.exitCode).toBeNull();
      expect(fixture.stderr()).not.toContain('Unhandled');
    });
  }

  it('are answered 503 with Retry-After once readyWaitTimeoutMs passes, and the process stays up', async () => {
    fixture = startFixture('held-requests', {
      env: {
        KIND: 'node-listener',
        INIT_FAILURES: '1000',
        INIT_DELAY_MS: '50',
        READY_WAIT_TIMEOUT_MS: '400',
      },
    });
    const port = await fixture.port;
    const startedAt = performance.now();
    const answers = await Promise.all(Array.from({ length: 5 }, () => get(port, '/')));
    const tookMs = performance.now() - startedAt;
    for (const answer of answers) {
      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBe('1');
      expect(JSON.parse(answer.body)).toMatchObject({ error: 'THAW_NOT_READY' });
      expect(answer.body).toContain('readyWaitTimeoutMs');
    }
    expect(tookMs).toBeGreaterThanOrEqual(380);
    expect((await get(port, '/healthz')).status).toBe(200);
    expect(fixture.child.exitCode).toBeNull();
  });

  it('are answered 503 at once when SIGTERM arrives while they are held', async () => {
    fixture = startFixture('held-requests', {
      env: { KIND: 'web', INIT_FAILURES: '1000', INIT_DELAY_MS: '50' },
    });
    const port = await fixture.port;
    const answer = get(port, '/');
    await new Promise((resolve) => setTimeout(resolve, 200));
    fixture.child.kill('SIGTERM');
    const held = await answer;
    expect(held.status).toBe(503);
    expect(held.headers['retry-after']).toBe('1');
    expect(await fixture.exited).toEqual({ code: 0, signal: null });
  });
});
