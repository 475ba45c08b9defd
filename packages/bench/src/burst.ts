// Burst mode: at spawn, N clients arrive at once (as a scale-from-zero burst does through
// Knative's activator); each waits for the port, sends one request and times it from spawn.
import { type FirstRequest } from './config.ts';
import { sendRequest } from './http-client.ts';
import { type ResolvedBenchOptions } from './options.ts';
import { pollUntil } from './probe.ts';
import { type BurstRequest } from './run-record.ts';

/** The burst's requests and the first moments seen. */
export interface BurstOutcome {
  readonly requests: readonly BurstRequest[];
  readonly firstConnectMs?: number;
  readonly firstResponseMs?: number;
}

/**
 * Sends `options.burst` concurrent requests from spawn on. Each client retries a refused
 * connection at the probe interval and gives up at `timeoutMs` from spawn.
 *
 * @example
 * ```ts
 * const outcome = await runBurstClients(port, { method: 'GET', path: '/', headers: {} }, options, clock, child.exited);
 * ```
 */
export async function runBurstClients(
  port: number,
  request: FirstRequest,
  options: ResolvedBenchOptions,
  clock: () => number,
  exited: Promise<unknown>,
): Promise<BurstOutcome> {
  let exitedFlag = false;
  void exited.then(() => {
    exitedFlag = true;
  });
  let firstConnectMs: number | undefined;
  const client = async (): Promise<BurstRequest> => {
    let outcome: BurstRequest = { error: `no response within ${options.timeoutMs} ms` };
    await pollUntil(
      async () => {
        try {
          const response = await sendRequest({
            port,
            method: request.method,
            path: request.path,
            headers: request.headers,
            ...(request.body === undefined ? {} : { body: request.body }),
            timeoutMs: Math.max(1, options.timeoutMs - clock()),
            onConnect: () => {
              firstConnectMs ??= clock();
            },
          });
          outcome = { latencyMs: clock(), status: response.status };
          return true;
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'ECONNREFUSED') return false;
          outcome = { latencyMs: clock(), error: code ?? (error as Error).message };
          return true;
        }
      },
      {
        originMs: 0,
        intervalMs: options.probeIntervalMs,
        deadlineMs: options.timeoutMs,
        clock,
        stopped: () => exitedFlag,
        stopSignal: exited,
      },
    );
    return outcome;
  };
  const requests = await Promise.all(Array.from({ length: options.burst }, client));
  const answered = requests.filter((r) => r.status !== undefined && r.latencyMs !== undefined);
  const firstResponseMs =
    answered.length === 0 ? undefined : Math.min(...answered.map((r) => r.latencyMs as number));
  return {
    requests,
    ...(firstConnectMs === undefined ? {} : { firstConnectMs }),
    ...(firstResponseMs === undefined ? {} : { firstResponseMs }),
  };
}
