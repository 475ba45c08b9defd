// Steady mode: once the first response is out, the process is warm; `requests` requests sent by
// `concurrency` keep-alive clients measure the latency it serves at from then on.
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { type FirstRequest, type SteadySpec } from './config.ts';
import { sendRequest } from './http-client.ts';
import { type SteadyResult } from './run-record.ts';

/**
 * Sends `spec.requests` requests with `spec.concurrency` in flight and returns each latency.
 * Errors and non-2xx/3xx answers are counted, not timed.
 *
 * @example
 * ```ts
 * const { latenciesMs } = await measureSteady(port, request, { requests: 200, concurrency: 4 }, 10_000);
 * ```
 */
export async function measureSteady(
  port: number,
  request: FirstRequest,
  spec: SteadySpec,
  timeoutMs: number,
): Promise<SteadyResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const latenciesMs: number[] = [];
  let errors = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < spec.requests) {
      next += 1;
      const start = performance.now();
      try {
        const { status } = await sendRequest({
          port,
          method: request.method,
          path: request.path,
          headers: request.headers,
          ...(request.body === undefined ? {} : { body: request.body }),
          timeoutMs,
          agent,
        });
        if (status < 400) latenciesMs.push(performance.now() - start);
        else errors += 1;
      } catch {
        errors += 1;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: spec.concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return { latenciesMs, errors };
}
