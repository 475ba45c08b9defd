import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import { isAbsolute, join } from 'node:path';

/** A spawned fixture function process, with its output collected. */
export interface FixtureProcess {
  readonly child: ChildProcess;
  /** The port from the runtime's "Listening on" log line. */
  readonly port: Promise<number>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly messages: unknown[];
  stdout(): string;
  stderr(): string;
  waitForMessage(type: string, timeoutMs?: number): Promise<unknown>;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Kills the process if still running and waits for it to be reaped. */
  stop(): Promise<void>;
}

const fixtureDir = join(import.meta.dirname, '..', 'fixtures');

/**
 * Spawns `test/fixtures/<name>.ts` (or the `.ts` file at an absolute path) with Node's type
 * stripping, PORT=0 and loopback host by default.
 */
export function startFixture(
  name: string,
  options: { env?: Record<string, string>; ipc?: boolean } = {},
): FixtureProcess {
  const file = isAbsolute(name) ? name : join(fixtureDir, `${name}.ts`);
  const child = spawn(process.execPath, ['--no-warnings', file], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc === true ? (['ipc'] as const) : [])],
  });
  let out = '';
  let err = '';
  const messages: unknown[] = [];
  const waiters = new Set<() => void>();
  const poke = (): void => {
    for (const waiter of waiters) waiter();
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    poke();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    poke();
  });
  child.on('message', (message) => {
    messages.push(message);
    poke();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // 'close', not 'exit': the process has ended and its output has been read to the end.
    child.once('close', (code, signal) => {
      resolve({ code, signal });
      poke();
    });
  });
  let finished = false;
  void exited.then(() => {
    finished = true;
  });
  const waitFor = (test: () => boolean, what: string, timeoutMs: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (test()) {
          cleanup();
          resolve();
        } else if (finished) {
          cleanup();
          reject(new Error(`The fixture exited before ${what}.\nstdout: ${out}\nstderr: ${err}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.\nstdout: ${out}\nstderr: ${err}`),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  const port = (async () => {
    const pattern = /"msg":"Listening on [^"]*:(\d+)\."/;
    await waitFor(() => pattern.test(err), 'the "Listening on" line', 15_000);
    return Number(pattern.exec(err)?.[1]);
  })();
  port.catch(() => undefined);
  return {
    child,
    port,
    exited,
    messages,
    stdout: () => out,
    stderr: () => err,
    async waitForMessage(type, timeoutMs = 15_000) {
      const find = (): unknown => messages.find((m) => (m as { type?: unknown }).type === type);
      await waitFor(() => find() !== undefined, `the IPC message ${type}`, timeoutMs);
      return find();
    },
    waitForOutput(pattern, timeoutMs = 15_000) {
      return waitFor(() => pattern.test(out) || pattern.test(err), `output matching ${pattern}`, timeoutMs);
    },
    async stop() {
      if (!finished) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A response read to its end. */
export interface FullResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One HTTP request on its own connection (no agent, so nothing is left open). */
export function get(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<FullResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Polls `check` every `intervalMs` until it returns true or `timeoutMs` passes. */
export async function eventually(
  check: () => Promise<boolean>,
  timeoutMs = 10_000,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Closes a server (node:http or node:net) if there is one. */
export function closeServer(server: { close(callback: () => void): unknown } | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (server === undefined) resolve();
    else
      server.close(() => {
        resolve();
      });
  });
}

/** A TCP port that was free a moment ago on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => {
        resolve(port);
      });
    });
  });
}
