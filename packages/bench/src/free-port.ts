// Free ports for the processes under test. A port inside the kernel's ephemeral range could be
// taken at any moment by an outgoing connection (the harness's own probes open hundreds), so
// ports are drawn from outside it; ports handed out earlier in this process are not reused, so
// a previous run's lingering socket never meets the next run; and each is claimed across
// processes (port-reservation.ts), so two harnesses at once never share one.
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { BenchError } from './errors.ts';
import { claimPort, defaultReservationDir } from './port-reservation.ts';

/** An inclusive port range. */
export interface PortRange {
  readonly low: number;
  readonly high: number;
}

/** Linux's default ephemeral range, used when /proc does not say. */
export const defaultEphemeralRange: PortRange = Object.freeze({ low: 32768, high: 60999 });

/** The lowest port handed out: below it live well-known and commonly configured services. */
export const lowestPort = 10_000;

/**
 * The kernel's ephemeral port range, from `/proc/sys/net/ipv4/ip_local_port_range` when
 * present, else Linux's default.
 *
 * @example
 * ```ts
 * ephemeralPortRange(); // { low: 32768, high: 60999 }
 * ```
 */
export function ephemeralPortRange(
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): PortRange {
  try {
    const [low, high] = readFile('/proc/sys/net/ipv4/ip_local_port_range').trim().split(/\s+/).map(Number);
    if (
      low !== undefined &&
      high !== undefined &&
      Number.isInteger(low) &&
      Number.isInteger(high) &&
      low <= high
    ) {
      return { low, high };
    }
  } catch {
    // Not Linux, or /proc not mounted: fall back to the common default.
  }
  return defaultEphemeralRange;
}

/** The ranges ports are drawn from: [lowestPort, 65535] minus the ephemeral range. */
export function candidateRanges(ephemeral: PortRange): PortRange[] {
  const ranges: PortRange[] = [];
  if (ephemeral.low - 1 >= lowestPort) ranges.push({ low: lowestPort, high: ephemeral.low - 1 });
  if (ephemeral.high + 1 <= 65535)
    ranges.push({ low: Math.max(lowestPort, ephemeral.high + 1), high: 65535 });
  return ranges;
}

const handedOut = new Set<number>();

function canListen(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.unref();
    server.once('error', () => {
      resolvePromise(false);
    });
    // No host: the same wildcard address a function listening on $PORT binds.
    server.listen({ port, exclusive: true }, () => {
      server.close(() => {
        resolvePromise(true);
      });
    });
  });
}

/**
 * Options of `freePort`.
 *
 * @example
 * ```ts
 * const options: FreePortOptions = { reservationDir: null };
 * ```
 */
export interface FreePortOptions {
  /** The range to stay out of. @default read from /proc (Linux's 32768–60999 when absent) */
  readonly ephemeral?: PortRange;
  /** Folder of cross-process claims; null to skip claiming. @default `<os tmpdir>/thaw-bench-ports` */
  readonly reservationDir?: string | null;
}

/**
 * Defaults of `FreePortOptions` that are fixed (the ephemeral range is read at each call).
 *
 * @example
 * ```ts
 * defaultFreePortOptions.reservationDir; // '/tmp/thaw-bench-ports' on Linux
 * ```
 */
export const defaultFreePortOptions: { readonly reservationDir: string } = Object.freeze({
  reservationDir: defaultReservationDir,
});

/**
 * A loopback port that is free now, outside the ephemeral range, not handed out before by this
 * process, and claimed so that no other harness hands it out until `releasePort(port)`.
 *
 * @example
 * ```ts
 * const port = await freePort();
 * try {
 *   spawn('node', ['server.js'], { env: { ...process.env, PORT: String(port) } });
 * } finally {
 *   releasePort(port);
 * }
 * ```
 */
export async function freePort(options: FreePortOptions = {}): Promise<number> {
  const ephemeral = options.ephemeral ?? ephemeralPortRange();
  const reservationDir =
    options.reservationDir === undefined ? defaultFreePortOptions.reservationDir : options.reservationDir;
  const ranges = candidateRanges(ephemeral);
  const total = ranges.reduce((sum, r) => sum + r.high - r.low + 1, 0);
  if (total === 0) {
    throw new BenchError(
      'THAW_BENCH_NO_FREE_PORT',
      `No port is left outside the ephemeral range ${ephemeral.low}-${ephemeral.high}. Narrow net.ipv4.ip_local_port_range.`,
    );
  }
  if (handedOut.size >= total / 2) handedOut.clear();
  for (let attempt = 0; attempt < 100; attempt += 1) {
    let offset = randomInt(total);
    let port = 0;
    for (const range of ranges) {
      const size = range.high - range.low + 1;
      if (offset < size) {
        port = range.low + offset;
        break;
      }
      offset -= size;
    }
    if (handedOut.has(port)) continue;
    // Reserved before the check, so concurrent callers in this process never get the same port.
    handedOut.add(port);
    if (await canListen(port)) {
      if (reservationDir === null || claimPort(port, reservationDir)) return port;
    }
    handedOut.delete(port);
  }
  throw new BenchError(
    'THAW_BENCH_NO_FREE_PORT',
    'No free port was found after 100 attempts outside the ephemeral range. Check what is listening on this machine.',
  );
}
