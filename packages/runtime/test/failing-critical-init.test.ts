import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  closeServer,
  eventually,
  freePort,
  get,
  startFixture,
  type FixtureProcess,
} from './support/fixture-process.ts';

describe('a failing critical initializer', () => {
  let fixture: FixtureProcess | undefined;
  let dependency: Server | undefined;
  afterEach(async () => {
    await fixture?.stop();
    await closeServer(dependency);
  });

  it('retries with backoff, keeps /readyz 503 naming it with its redacted error, and turns ready when the dependency comes back', async () => {
    const dependencyPort = await freePort();
    fixture = startFixture('failing-init', { env: { DEPENDENCY_PORT: String(dependencyPort) } });
    const port = await fixture.port;
    await fixture.waitForOutput(/failed \(attempt 3\)/);
    const notReady = await get(port, '/readyz');
    expect(notReady.status).toBe(503);
    const report = JSON.parse(notReady.body) as {
      status: string;
      initializers: Array<{ name: string; state: string; attempts: number; error: string }>;
    };
    expect(report.status).toBe('failing');
    expect(report.initializers).toHaveLength(1);
    expect(report.initializers[0]).toMatchObject({ name: 'orders-db', when: 'critical' });
    expect(report.initializers[0]!.attempts).toBeGreaterThanOrEqual(3);
    expect(report.initializers[0]!.error).toContain('postgres://app:***@127.0.0.1');
    expect(notReady.body).not.toContain('hunter2');
    expect(fixture.stderr()).not.toContain('hunter2');
    // Liveness is unaffected: the process is healthy, just not ready.
    expect((await get(port, '/healthz')).status).toBe(200);

    // Backoff, not a hot loop: over a second, attempts grow by at most a handful (delays 50..200 ms).
    const attemptsBefore = report.initializers[0]!.attempts;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const later = JSON.parse((await get(port, '/readyz')).body) as typeof report;
    const grown = later.initializers[0]!.attempts - attemptsBefore;
    expect(grown).toBeGreaterThanOrEqual(2);
    expect(grown).toBeLessThanOrEqual(12);
    // Logged once per attempt.
    const logged = fixture.stderr().match(/Initializer \\"orders-db\\" failed \(attempt \d+\)/g) ?? [];
    expect(logged.length).toBeGreaterThanOrEqual(later.initializers[0]!.attempts - 1);

    dependency = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => dependency!.listen(dependencyPort, '127.0.0.1', resolve));
    await eventually(async () => (await get(port, '/readyz')).status === 200, 10_000);
    expect((await get(port, '/')).body).toBe('connected');
  });

  it('exits with code 1 once maxAttempts is used up', async () => {
    const dependencyPort = await freePort();
    fixture = startFixture('failing-init', {
      env: { DEPENDENCY_PORT: String(dependencyPort), MAX_ATTEMPTS: '2' },
    });
    expect(await fixture.exited).toEqual({ code: 1, signal: null });
    expect(fixture.stderr()).toContain(
      'Critical initializer \\"orders-db\\" failed 2 times (maxAttempts); giving up.',
    );
    expect(fixture.stderr().match(/failed \(attempt \d\)/g)).toEqual([
      'failed (attempt 1)',
      'failed (attempt 2)',
    ]);
  });

  it('shuts down cleanly on SIGTERM while still retrying, stopping the retries', async () => {
    const dependencyPort = await freePort();
    fixture = startFixture('failing-init', { env: { DEPENDENCY_PORT: String(dependencyPort) } });
    await fixture.waitForOutput(/failed \(attempt 2\)/);
    fixture.child.kill('SIGTERM');
    expect(await fixture.exited).toEqual({ code: 0, signal: null });
    expect(fixture.stderr()).toContain('Shutdown complete.');
  });
});
