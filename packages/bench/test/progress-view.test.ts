import { expect, it } from 'vitest';
import { type BenchProgress } from '../src/bench.ts';
import { createProgress } from '../src/report/progress.ts';
import { capture } from './capture.ts';

const done = (index: number, ok = true): BenchProgress => ({
  index,
  total: 4,
  variant: 'thaw',
  warmup: false,
  elapsedMs: index * 1000,
  record: {
    variant: 'thaw',
    iteration: 0,
    warmup: false,
    ok,
    port: 1,
    startedAt: '',
    firstResponseMs: 80,
    readyMs: 80,
    listeningMs: 80,
    ...(ok ? {} : { failure: { code: 'THAW_BENCH_EXITED', message: 'it crashed', stderrTail: '' } }),
  },
});

it('prints one plain line per finished run when the output is not a terminal', () => {
  const out = capture(false);
  const progress = createProgress(out);
  progress.update({ index: 1, total: 4, variant: 'thaw', warmup: false, elapsedMs: 0 });
  progress.update(done(1));
  progress.update(done(2, false));
  progress.finish();
  expect(out.text()).toBe(
    'run 1 of 4 · thaw: first response 80.0 ms\nrun 2 of 4 · thaw: FAILED: it crashed\n',
  );
});

it('rewrites one live line with an ETA on a terminal and keeps failures on their own lines', () => {
  const out = capture(true);
  const progress = createProgress(out);
  progress.update(done(1));
  progress.update(done(2, false));
  progress.finish();
  const text = out.text();
  expect(text).toContain('\r\x1b[2Krun 1 of 4 · thaw: first response 80.0 ms · ETA 3 s');
  expect(text).toContain('\r\x1b[2Krun 2 of 4 · thaw: FAILED: it crashed\n');
  expect(text).toContain('ETA 2 s');
  expect(text.endsWith('\r\x1b[2K')).toBe(true);
});
