import { describe, expect, it } from 'vitest';
import { coldStartPhases } from './cold-start-span.ts';

describe('cold start phases', () => {
  const bootstrap = [
    { name: 'node: v8 start', startMs: 0, endMs: 4 },
    { name: 'node: bootstrap complete', startMs: 4, endMs: 20 },
  ];

  it('turns each milestone into the stretch since the milestone before it', () => {
    const phases = coldStartPhases(bootstrap, [
      { name: 'listening', startMs: 40, endMs: 40 },
      { name: 'runtime imported', startMs: 25, endMs: 25 },
      { name: 'ready', startMs: 55, endMs: 55, attributes: { critical: 1 } },
    ]);
    const milestones = phases.filter((phase) => phase.kind === 'milestone');
    expect(milestones).toEqual([
      { name: 'runtime imported', startMs: 20, endMs: 25, kind: 'milestone' },
      { name: 'listening', startMs: 25, endMs: 40, kind: 'milestone' },
      { name: 'ready', startMs: 40, endMs: 55, kind: 'milestone', attributes: { critical: 1 } },
    ]);
  });

  it('adds the module load between the runtime import and serve(), and keeps ranges with their attributes', () => {
    const phases = coldStartPhases(bootstrap, [
      { name: 'runtime imported', startMs: 25, endMs: 25 },
      { name: 'serve called', startMs: 31, endMs: 31 },
      { name: 'init: db', startMs: 32, endMs: 48, attributes: { 'thaw.init.outcome': 'ready' } },
    ]);
    expect(phases.filter((phase) => phase.kind === 'node').map((phase) => phase.name)).toEqual([
      'node: v8 start',
      'node: bootstrap complete',
    ]);
    expect(phases).toContainEqual({ name: 'module load', startMs: 25, endMs: 31, kind: 'phase' });
    expect(phases).toContainEqual({
      name: 'init: db',
      startMs: 32,
      endMs: 48,
      kind: 'phase',
      attributes: { 'thaw.init.outcome': 'ready' },
    });
  });

  it('never makes a milestone reach back before the process started', () => {
    const phases = coldStartPhases([], [{ name: 'runtime imported', startMs: 3, endMs: 3 }]);
    expect(phases).toEqual([{ name: 'runtime imported', startMs: 0, endMs: 3, kind: 'milestone' }]);
  });
});
