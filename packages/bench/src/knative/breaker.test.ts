import { expect, test } from 'vitest';
import { Breaker, BreakerQueueFullError } from './breaker.ts';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

test('runs at most maxConcurrency thunks at once, the rest in arrival order', async () => {
  const breaker = new Breaker({ queueDepth: 10, maxConcurrency: 2 });
  const gates = Array.from({ length: 4 }, deferred);
  const order: number[] = [];
  const runs = gates.map((gate, i) =>
    breaker.maybe(async () => {
      order.push(i);
      await gate.promise;
    }),
  );
  await new Promise((resolve) => setImmediate(resolve));
  expect(breaker.running).toBe(2);
  expect(breaker.inFlight).toBe(4);
  expect(order).toEqual([0, 1]);
  gates[1]!.resolve();
  await new Promise((resolve) => setImmediate(resolve));
  expect(order).toEqual([0, 1, 2]);
  for (const gate of gates) gate.resolve();
  await Promise.all(runs);
  expect(order).toEqual([0, 1, 2, 3]);
  expect(breaker.inFlight).toBe(0);
});

test('refuses at once when queueDepth + maxConcurrency requests are already admitted', async () => {
  const breaker = new Breaker({ queueDepth: 1, maxConcurrency: 1 });
  const gate = deferred();
  const admitted = [breaker.maybe(() => gate.promise), breaker.maybe(() => gate.promise)];
  await expect(breaker.maybe(() => Promise.resolve())).rejects.toBeInstanceOf(BreakerQueueFullError);
  gate.resolve();
  await Promise.all(admitted);
  await expect(breaker.maybe(() => Promise.resolve('again'))).resolves.toBe('again');
});

test('rejects sizes Knative would panic on', () => {
  expect(() => new Breaker({ queueDepth: 0, maxConcurrency: 1 })).toThrow(
    'queueDepth must be a positive integer; got 0',
  );
});
