import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runFixture } from './run-fixture.ts';

describe('flushing telemetry at shutdown', () => {
  it('gives up after flushTimeoutMs when the collector never answers, and says so', async () => {
    const sockets = new Set<Socket>();
    const blackhole = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.resume();
    });
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = blackhole.address() as AddressInfo;
      const run = await runFixture('collector-trouble.ts', {
        THAW_OTEL: '1',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        THAW_OTEL_FLUSH_TIMEOUT_MS: '800',
      });
      expect(run.code).toBe(0);
      // Bounded by the option (the exporter's own timeout is 10 s); generous for a busy machine.
      expect(run.result['flushMs']).toBeGreaterThanOrEqual(790);
      expect(run.result['flushMs']).toBeLessThan(6_000);
      const errors = run.result['errors'] as Array<{ code: string; message: string }>;
      expect(
        errors.some((error) => error.code === 'THAW_TELEMETRY_FAILED' && error.message.includes('800 ms')),
      ).toBe(true);
      expect(sockets.size).toBeGreaterThan(0);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) =>
        blackhole.close(() => {
          resolve();
        }),
      );
    }
  });
});
