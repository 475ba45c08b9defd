import { expect, it } from 'vitest';
import { parseResultJson, renderJson } from '../src/report/json.ts';
import { around, syntheticResult } from './synthetic-result.ts';

it('writes results that read back, with relative working directories and secrets masked', () => {
  const result = syntheticResult({ base: around(100) });
  const withSecrets = {
    ...result,
    variants: result.variants.map((v) => ({
      ...v,
      cwd: `${process.cwd()}/app`,
      command: ['node', 'a.js', '--db', 'postgres://app:hunter2@db/app'],
      env: { API_TOKEN: 'abc', TARGET: 'World' },
    })),
  };
  const text = renderJson(withSecrets, process.cwd());
  expect(text).not.toContain('hunter2');
  expect(text).not.toContain('abc');
  const back = parseResultJson(text, 'r.json');
  expect(back.variants[0]).toMatchObject({
    cwd: 'app',
    command: ['node', 'a.js', '--db', 'postgres://app:***@db/app'],
    env: { API_TOKEN: '***', TARGET: 'World' },
  });
  expect(back.summary.variants[0]?.metrics.firstResponseMs?.distribution.median).toBe(100);
  expect(back.runs).toHaveLength(20);
});
