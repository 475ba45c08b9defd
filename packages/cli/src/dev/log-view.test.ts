import { expect, test } from 'vitest';
import { humanLine } from './log-view.ts';

test('a runtime JSON log line becomes time, level, message and fields; other lines stay as they are', () => {
  const time = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
  expect(
    humanLine(
      JSON.stringify({ level: 'info', msg: 'Listening on 0.0.0.0:8080.', time, host: '0.0.0.0', port: 8080 }),
    ),
  ).toBe('03:04:05.678 info  Listening on 0.0.0.0:8080.');
  expect(humanLine(JSON.stringify({ level: 'error', msg: 'failed', time, invocationId: 'a1' }))).toBe(
    '03:04:05.678 error failed  invocationId=a1',
  );
  expect(humanLine('plain output')).toBe('plain output');
  expect(humanLine('{not json')).toBe('{not json');
});
