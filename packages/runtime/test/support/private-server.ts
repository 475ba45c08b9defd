import { type ChildProcess } from 'node:child_process';
import { createServer, Socket } from 'node:net';

// Server processes for tests that stop, kill or restart their server: never the shared ones.
// Each runs as a child of the test process on a free loopback port and is reaped (by its own
// PID) on close, and again on exit if a test forgot. See private-postgres.ts and private-redis.ts.

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** A loopback port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address === null || typeof address === 'string') reject(new Error('no port'));
        else resolve(address.port);
      });
    });
  });
}

/** A server process the test controls. */
export interface PrivateServer {
  readonly port: number;
  /** Connection URL (`postgres://…` or `redis://…`). */
  readonly url: string;
  /** Whether the server process is running. */
  readonly running: boolean;
  /**
   * Freezes (`SIGSTOP`) or thaws (`SIGCONT`) the server's main process: it stops accepting new
   * connections while the kernel still completes TCP handshakes, as a hung server does.
   */
  freeze(frozen: boolean): void;
  /** Starts it (again) on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it cleanly (connections are closed by the server) and waits for the process to exit. */
  stop(): Promise<void>;
  stopAndStart(pauseMs?: number): Promise<void>;
  /** Stops it for good and removes its files. */
  close(): Promise<void>;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not come up within ${timeoutMs} ms. Its output:\n${log()}`);
}

/** Whether something accepts TCP connections on the loopback port. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => {
      done(false);
    });
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
    socket.connect(port, '127.0.0.1');
  });
}

export class ManagedProcess implements PrivateServer {
  readonly port: number;
  readonly url: string;
  #child: ChildProcess | undefined;
  #output = '';
  readonly #launch: () => ChildProcess;
  readonly #ready: () => Promise<boolean>;
  readonly #stopSignal: NodeJS.Signals;
  readonly #cleanup: () => void;
  readonly #label: string;

  constructor(spec: {
    label: string;
    port: number;
    url: string;
    launch: () => ChildProcess;
    ready: () => Promise<boolean>;
    stopSignal: NodeJS.Signals;
    cleanup: () => void;
  }) {
    this.#label = spec.label;
    this.port = spec.port;
    this.url = spec.url;
    this.#launch = spec.launch;
    this.#ready = spec.ready;
    this.#stopSignal = spec.stopSignal;
    this.#cleanup = spec.cleanup;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  freeze(frozen: boolean): void {
    this.#child?.kill(frozen ? 'SIGSTOP' : 'SIGCONT');
  }

  async start(): Promise<void> {
    if (this.#child !== undefined) return;
    const child = this.#launch();
    this.#child = child;
    children.add(child);
    const keep = (chunk: Buffer): void => {
      this.#output = (this.#output + chunk.toString()).slice(-4_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', () => {
      children.delete(child);
      if (this.#child === child) this.#child = undefined;
    });
    await waitUntil(
      this.#label,
      async () => this.#child === child && (await this.#ready()),
      20_000,
      () => this.#output,
    );
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    child.kill(this.#stopSignal);
    // A frozen server must wake up to act on the stop signal.
    child.kill('SIGCONT');
    await waitForExit(child, 10_000);
    this.#child = undefined;
  }

  async stopAndStart(pauseMs = 0): Promise<void> {
    await this.stop();
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    await this.start();
  }

  async close(): Promise<void> {
    await this.stop();
    this.#cleanup();
  }
}
