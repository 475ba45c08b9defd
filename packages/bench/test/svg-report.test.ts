import { expect, it } from 'vitest';
import { renderSvg } from '../src/report/svg.ts';
import { around, syntheticResult } from './synthetic-result.ts';

/** Checks that every tag is closed in order, i.e. the document is well-formed XML as far as tags go. */
function tagsBalance(xml: string): boolean {
  const stack: string[] = [];
  for (const [, close, name, selfClosing] of xml.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (selfClosing === '/') continue;
    if (close === '/') {
      if (stack.pop() !== name) return false;
    } else stack.push(name!);
  }
  return stack.length === 0;
}

it('draws a standalone SVG with every run as a dot and the stacked phases of each variant', () => {
  const result = syntheticResult({ base: around(300), 'thaw&co': around(100) });
  const svg = renderSvg(result);
  expect(
    svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"'),
  ).toBe(true);
  expect(tagsBalance(svg)).toBe(true);
  expect(svg).not.toContain('<style');
  expect(svg).not.toContain('<script');
  expect(svg.match(/<circle /g)).toHaveLength(40);
  expect(svg).toContain('thaw&#38;co (N=20)');
  // Three stacked phase segments per variant, plus the three legend swatches.
  expect(svg.match(/<rect [^>]*fill="#(9ecae1|4292c6|08519c)"/g)).toHaveLength(9);
  expect(svg).toContain('Where the time goes');
});

it('draws the burst objective as a line in burst mode', () => {
  const result = syntheticResult({ base: around(300) }, { burst: 4, sloMs: 250 }, (_, i) => ({
    burst: [
      { latencyMs: 200 + i, status: 200 },
      { latencyMs: 260 + i, status: 200 },
    ],
  }));
  const svg = renderSvg(result);
  expect(tagsBalance(svg)).toBe(true);
  expect(svg).toContain('objective 250 ms');
  expect(svg).toContain('stroke-dasharray');
  expect(svg.match(/<circle /g)).toHaveLength(40);
});

it("adds a row with the runtime's own timeline under a variant that sent a startup report", () => {
  const result = syntheticResult({ base: around(300), thaw: around(100) }, {}, (variant) =>
    variant === 'thaw'
      ? {
          runtime: {
            processStartMs: 5,
            report: {
              milestones: { runtimeImportedMs: 30, listeningMs: 40, readyMs: 90, firstResponseMs: 94 },
            },
          } as never,
        }
      : {},
  );
  const svg = renderSvg(result);
  expect(svg).toContain('thaw (its report)');
  expect(svg).toContain('runtime: spawn → process start');
  // spawn → process start, → runtime imported, → listening, → ready, → first response (serve() not reported).
  expect(svg).toContain('<title>→ ready: 50.0 ms</title>');
  expect(svg).not.toContain('<title>→ serve() called');
});
