import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest, type Agent, type IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';

/** A function started in its own Node process on a free loopback port, output collected. */
export interface FunctionProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
  /** Sends SIGTERM and resolves with the exit code once the process is reaped. */
  terminate(): Promise<number | null>;
  /** Kills the process (SIGKILL) if it still runs and waits until it is reaped. */
  stop(): Promise<void>;
}

/** An HTTP answer with its body as text. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A free TCP port on loopback (closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('the probe server has no port'));
      });
    });
  });
}

/** One HTTP request to 127.0.0.1:port; `agent` false (the default) opens a fresh connection. */
export function send(
  port: number,
  options: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    agent?: Agent | false;
    timeoutMs?: number;
  } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: options.headers ?? {},
        agent: options.agent ?? false,
        timeout: options.timeoutMs ?? 10_000,
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
    req.on('timeout', () => {
      req.destroy(new Error(`no answer from ${options.path ?? '/'} within the timeout`));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Spawns `node …args` with `PORT` set to a free port and waits until it answers: `ready` is
 * an HTTP path polled until 200, or `'tcp'` for a process that only listens. Fails with the
 * process's output when it exits first or is not ready within `timeoutMs`.
 */
export async function startFunction(
  args: readonly string[],
  options: {
    cwd?: string;
    /** Added to the parent's environment; `undefined` removes a variable. */
    env?: Record<string, string | undefined>;
    /** Start from the parent's environment (true) or from `PATH` alone (false). @default true */
    inheritEnv?: boolean;
    ready?: { http: string } | 'tcp';
    timeoutMs?: number;
    node?: string;
  } = {},
): Promise<FunctionProcess> {
  const port = await freePort();
  const base: Record<string, string | undefined> =
    options.inheritEnv === false ? { PATH: process.env['PATH'] } : { ...process.env };
  const merged: Record<string, string | undefined> = { ...base, PORT: String(port), ...options.env };
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(merged)) {
    if (value !== undefined) env[name] = value;
  }
  const child = spawn(options.node ?? process.execPath, ['--no-warnings', ...args], {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const state = { running: true };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      state.running = false;
      resolve({ code, signal });
    });
  });
  const stop = async (): Promise<void> => {
    if (state.running) child.kill('SIGKILL');
    await exited;
  };
  const fn: FunctionProcess = {
    child,
    port,
    exited,
    stdout: () => out,
    stderr: () => err,
    terminate: async () => {
      if (state.running) child.kill('SIGTERM');
      return (await exited).code;
    },
    stop,
  };

  const ready = options.ready ?? { http: '/readyz' };
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    if (!state.running) {
      throw new Error(`The function exited before it was ready.\nstdout: ${out}\nstderr: ${err}`);
    }
    try {
      const answer = await send(port, { path: ready === 'tcp' ? '/' : ready.http, timeoutMs: 1_000 });
      if (ready === 'tcp' || answer.status === 200) return fn;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The function was not ready within the timeout.\nstdout: ${out}\nstderr: ${err}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
