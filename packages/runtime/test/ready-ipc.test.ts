import { afterEach, describe, expect, it } from 'vitest';
import type { ReadyMessage, StartupReportMessage } from '../src/index.ts';
import { get, startFixture, type FixtureProcess } from './support/fixture-process.ts';

describe('ready signal over IPC', () => {
  let fixture: FixtureProcess | undefined;
  afterEach(async () => {
    await fixture?.stop();
  });

  it('sends thaw:ready with the startup report when ready, and thaw:startup after the first response', async () => {
    fixture = startFixture('critical-init', {
      ipc: true,
      env: { CRITICAL_DELAY_MS: '100', K_SERVICE: 'orders', K_REVISION: 'orders-00001' },
    });
    const ready = (await fixture.waitForMessage('thaw:ready')) as ReadyMessage;
    const port = await fixture.port;
    // The message arrives once readiness is 200, never before.
    expect((await get(port, '/readyz')).status).toBe(200);
    const { report } = ready;
    expect(report).toMatchObject({ event: 'thaw.startup', version: 1, pid: fixture.child.pid });
    expect(report.knative).toEqual({ service: 'orders', revision: 'orders-00001' });
    expect(report.initializers).toEqual([
      expect.objectContaining({ name: 'config', when: 'critical', state: 'ready', attempts: 1 }),
    ]);
    const { serveCalledMs, listeningMs, readyMs } = report.milestones;
    expect(serveCalledMs).toBeLessThanOrEqual(listeningMs!);
    expect(listeningMs).toBeLessThan(readyMs!);
    expect(report.milestones.firstResponseMs).toBeUndefined();
    expect(report.phases.map((phase) => phase.name)).toEqual(
      expect.arrayContaining(['serve called', 'listening', 'init config', 'ready']),
    );

    expect((await get(port, '/')).body).toBe('hello');
    const startup = (await fixture.waitForMessage('thaw:startup')) as StartupReportMessage;
    expect(startup.report.milestones.firstRequestMs).toBeGreaterThanOrEqual(readyMs!);
    expect(startup.report.milestones.firstResponseMs).toBeGreaterThanOrEqual(
      startup.report.milestones.firstRequestMs!,
    );
    // The same report is printed once, as one JSON line on stdout.
    await fixture.waitForOutput(/"event":"thaw.startup"/);
    const lines = fixture.stdout().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ event: 'thaw.startup', pid: fixture.child.pid });
  });
});
