import { expect, it } from 'vitest';
import { renderMarkdown } from '../src/report/markdown.ts';
import { renderTable } from '../src/report/table.ts';
import { around, syntheticResult } from './synthetic-result.ts';

it('renders the same verdicts and tables as Markdown and as terminal text', () => {
  const result = syntheticResult({ base: around(300), thaw: around(100) });
  const md = renderMarkdown(result);
  const text = renderTable(result);
  const verdict = /thaw is 3\.0× faster to first response than base, 95% CI \d\.\d–\d\.\d×/.exec(md)?.[0];
  expect(verdict).toBeDefined();
  expect(md).toContain(`- ${verdict}`);
  expect(text).toContain(`  ${verdict}`);
  expect(md).toContain('| base (baseline) | 20 | 0 | 300 | 299–301 |');
  expect(md).toContain('|---|---:|---:|---:|---|');
  expect(text).toMatch(/base \(baseline\)\s+20\s+0\s+300\s+299–301/);
  expect(md).toContain('| thaw | `node thaw.js` | tcp |');
});

it('lists outliers instead of dropping them, and N excludes failed runs', () => {
  const result = syntheticResult({ base: [...around(100), 900] }, {}, (_, i) =>
    i === 0
      ? { ok: false, failure: { code: 'THAW_BENCH_EXITED', message: 'it crashed', stderrTail: 'boom\n' } }
      : {},
  );
  const text = renderTable(result);
  expect(text).toMatch(/base \(baseline\)\s+20\s+1\s+/);
  expect(text).toContain('1 (900)');
  expect(text).toContain('base: 1 measured run(s) failed [THAW_BENCH_EXITED]; latest: it crashed');
  expect(text).toContain('    │ boom');
});
