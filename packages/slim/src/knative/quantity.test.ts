import { expect, test } from 'vitest';
import { parseQuantity } from './quantity.ts';

test('reads CPU and memory quantities the way Kubernetes writes them', () => {
  expect(parseQuantity('250m')).toBe(0.25);
  expect(parseQuantity('1')).toBe(1);
  expect(parseQuantity('0.5')).toBe(0.5);
  expect(parseQuantity('128Mi')).toBe(134_217_728);
  expect(parseQuantity('1G')).toBe(1e9);
  expect(parseQuantity('1Gi')).toBeGreaterThan(parseQuantity('1G')!);
});

test('anything else is not a quantity', () => {
  for (const text of ['', 'lots', '1 Gi', '-1', '1gb', 'Mi'])
    expect({ text, value: parseQuantity(text) }).toEqual({ text, value: undefined });
});
