import { afterEach, describe, expect, it } from 'vitest';
import { resetInitializersForTesting } from '../init-registry.ts';
import { init } from '../init.ts';
import { addStats, resetLifecycleForTesting } from '../lifecycle.ts';
import { recordMark, resetMarksForTesting, sinceStart } from './marks.ts';
import { buildStartupReport, printStartupReport } from './report.ts';

describe('startup report', () => {
  afterEach(() => {
    resetMarksForTesting();
    resetInitializersForTesting();
    resetLifecycleForTesting();
  });

  it('gathers milestones, phases, initializers, resource gauges, process figures and the revision', async () => {
    recordMark('serve called', 10);
    recordMark('listening', 12.5);
    recordMark('ready', 20.1234567);
    const db = init('db', () => 'x', { when: 'critical' });
    await db();
    init('model', () => 'm', { when: 'background' });
    addStats('pg', () => ({ total: 2, idle: 1 }));
    addStats('broken', () => {
      throw new Error('gauge failed');
    });
    const report = buildStartupReport({ service: 'orders', revision: 'orders-00001', sink: 'http://sink' });
    expect(report).toMatchObject({
      event: 'thaw.startup',
      version: 1,
      pid: process.pid,
      node: process.version,
      milestones: { serveCalledMs: 10, listeningMs: 12.5, readyMs: 20.123 },
      resources: { pg: { total: 2, idle: 1 } },
      knative: { service: 'orders', revision: 'orders-00001' },
      droppedMarks: 0,
    });
    expect(report.milestones.firstResponseMs).toBeUndefined();
    expect(report.initializers).toEqual([
      expect.objectContaining({ name: 'db', when: 'critical', state: 'ready', attempts: 1 }),
      { name: 'model', when: 'background', state: 'idle', attempts: 0 },
    ]);
    expect(report.phases[0]?.name).toBe('node: node start');
    expect(report.phases.map((p) => p.name)).toEqual(expect.arrayContaining(['serve called', 'init db']));
    expect(report.process.rssBytes).toBeGreaterThan(0);
    expect(report.timeOrigin).toBeLessThanOrEqual(Date.now() - sinceStart() + 1);
  });

  it('prints exactly one JSON line', () => {
    const lines: string[] = [];
    printStartupReport(buildStartupReport({}), (line) => lines.push(line));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    expect(lines[0]!.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ event: 'thaw.startup' });
  });
});
