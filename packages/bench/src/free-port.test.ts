import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  candidateRanges,
  defaultFreePortOptions,
  ephemeralPortRange,
  freePort,
  lowestPort,
} from './free-port.ts';
import { releasePort } from './port-reservation.ts';

describe('free ports', () => {
  it('reads the ephemeral range from /proc and falls back to the Linux default', () => {
    expect(ephemeralPortRange(() => '40000\t50000\n')).toEqual({ low: 40000, high: 50000 });
    expect(
      ephemeralPortRange(() => {
        throw new Error('ENOENT');
      }),
    ).toEqual({ low: 32768, high: 60999 });
    expect(ephemeralPortRange(() => 'garbage')).toEqual({ low: 32768, high: 60999 });
  });

  it('draws candidates only outside the ephemeral range', () => {
    expect(candidateRanges({ low: 32768, high: 60999 })).toEqual([
      { low: lowestPort, high: 32767 },
      { low: 61000, high: 65535 },
    ]);
    expect(candidateRanges({ low: 1024, high: 65535 })).toEqual([]);
  });

  it('hands out distinct ports outside this machine’s ephemeral range that a server can bind', async () => {
    const range = ephemeralPortRange();
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports) {
      expect(port >= range.low && port <= range.high).toBe(false);
      expect(port).toBeGreaterThanOrEqual(lowestPort);
    }
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(ports[0], resolve);
    });
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
    for (const port of ports) releasePort(port);
  });

  it('claims each port in <os tmpdir>/thaw-bench-ports by default, until it is released', async () => {
    expect(defaultFreePortOptions.reservationDir).toBe(join(tmpdir(), 'thaw-bench-ports'));
    const port = await freePort();
    const claim = join(tmpdir(), 'thaw-bench-ports', String(port));
    expect(existsSync(claim)).toBe(true);
    releasePort(port);
    expect(existsSync(claim)).toBe(false);
  });
});
