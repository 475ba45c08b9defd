import { expect, test } from 'vitest';
import { parseSize } from './parse-size.ts';

test('reads decimal and binary sizes, and rejects anything else', () => {
  expect(parseSize('5MB')).toBe(5_000_000);
  expect(parseSize('750 KB')).toBe(750_000);
  expect(parseSize('1.5MiB')).toBe(1_572_864);
  expect(parseSize('1000')).toBe(1000);
  expect(parseSize('5 parsecs')).toBeUndefined();
  expect(parseSize('0')).toBeUndefined();
});
