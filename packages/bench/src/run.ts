// One cold start: a fresh process on a free port, timed spawn → port accepting → ready → first
// response complete, with RSS and CPU at ready and the runtime's own report when it sends one.
// Whatever happens, the process is stopped and reaped before this returns.
import { performance } from 'node:perf_hooks';
import type { StartupReport } from './startup-report.ts';
import { runBurstClients } from './burst.ts';
import { type ChildHandle, startChild } from './child.ts';
import { type VariantSpec } from './config.ts';
import { type BenchErrorCode, RunFailedError } from './errors.ts';
import { freePort } from './free-port.ts';
import { releasePort } from './port-reservation.ts';
import { canConnect, sendRequest } from './http-client.ts';
import { type BenchOptions, type ResolvedBenchOptions, resolveBenchOptions } from './options.ts';
import { type PollSchedule, pollUntil } from './probe.ts';
import { readProcessUsage } from './proc-stats.ts';
import { type RunRecord, type RuntimeReport } from './run-record.ts';
import { measureSteady } from './steady.ts';

/** Which run this is, for the record. */
export interface RunPosition {
  readonly iteration: number;
  readonly warmup: boolean;
}

/** How long the harness waits for `thaw:startup` after the first response. */
const startupReportWaitMs = 500;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function runtimeReport(child: ChildHandle, spawnEpochMs: number): RuntimeReport | undefined {
  const report: StartupReport | undefined = (child.messages.startup ?? child.messages.ready)?.message.report;
  if (report === undefined) return undefined;
  return {
    ...(child.messages.ready === undefined ? {} : { readyMessageMs: child.messages.ready.atMs }),
    ...(typeof report.timeOrigin === 'number' ? { processStartMs: report.timeOrigin - spawnEpochMs } : {}),
    report,
  };
}

function failure(child: ChildHandle, variant: string, code: BenchErrorCode, message: string): RunFailedError {
  return new RunFailedError(code, variant, message, child.stderrTail());
}

async function exitDescription(child: ChildHandle): Promise<string> {
  const { code, signal } = await child.exited;
  return signal === null ? `exited with code ${code ?? 'unknown'}` : `was killed by ${signal}`;
}

/** What each phase of one cold start reads and writes. */
interface ColdStart {
  readonly variant: VariantSpec;
  readonly child: ChildHandle;
  readonly port: number;
  readonly options: ResolvedBenchOptions;
  readonly clock: () => number;
  readonly schedule: PollSchedule;
  readonly record: Mutable<RunRecord>;
}

// One cold start in phases, each timed from spawn: the port accepts, the readiness probe passes,
// the first request is answered, the startup report arrives, then warm latency when asked for.
/** A phase that timed out because the process exited fails as an exit, saying when it came. */
async function throwIfExited(child: ChildHandle, name: string, when: string): Promise<void> {
  if (!child.hasExited()) return;
  throw failure(
    child,
    name,
    'THAW_BENCH_EXITED',
    `Variant "${name}" ${await exitDescription(child)} ${when}.`,
  );
}

async function coldStart(
  variant: VariantSpec,
  child: ChildHandle,
  port: number,
  options: ResolvedBenchOptions,
  clock: () => number,
  record: Mutable<RunRecord>,
): Promise<void> {
  const schedule: PollSchedule = {
    originMs: 0,
    intervalMs: options.probeIntervalMs,
    deadlineMs: options.timeoutMs,
    clock,
    stopped: () => child.hasExited(),
    stopSignal: child.exited,
  };
  const run: ColdStart = { variant, child, port, options, clock, schedule, record };
  record.listeningMs = await waitListening(run);
  record.readyMs = variant.ready === 'tcp' ? record.listeningMs : await waitReady(run, variant.ready.http);
  const usage = readProcessUsage(child.pid);
  if (usage !== undefined) {
    record.rssBytes = usage.rssBytes;
    record.cpuMs = usage.cpuMs;
  }
  await sendFirstRequest(run);
  await awaitStartupReport(child);
  if (variant.steady !== undefined)
    record.steady = await measureSteady(port, variant.request, variant.steady, options.timeoutMs);
}

async function waitListening({ variant, child, port, options, schedule }: ColdStart): Promise<number> {
  const listening = await pollUntil(() => canConnect(port, options.probeTimeoutMs), schedule);
  if (listening !== undefined) return listening;
  const name = variant.name;
  await throwIfExited(child, name, `before its port ${port} opened`);
  throw failure(
    child,
    name,
    'THAW_BENCH_PORT_NEVER_OPENED',
    `Variant "${name}" never accepted connections on port ${port} (from $PORT) within ${options.timeoutMs} ms. Make it listen on process.env.PORT.`,
  );
}

async function waitReady(
  { variant, child, port, options, schedule }: ColdStart,
  path: string,
): Promise<number> {
  let lastStatus = 'no answer';
  const passed = await pollUntil(async () => {
    try {
      const { status } = await sendRequest({ port, method: 'GET', path, timeoutMs: options.probeTimeoutMs });
      lastStatus = `HTTP ${status}`;
      return status === 200;
    } catch (error) {
      lastStatus = (error as Error).message;
      return false;
    }
  }, schedule);
  if (passed !== undefined) return passed;
  const name = variant.name;
  await throwIfExited(child, name, `before ${path} answered 200`);
  throw failure(
    child,
    name,
    'THAW_BENCH_NOT_READY',
    `Variant "${name}" listened but ${path} did not answer 200 within ${options.timeoutMs} ms (last probe: ${lastStatus}).`,
  );
}

async function sendFirstRequest({ variant, child, port, options, clock, record }: ColdStart): Promise<void> {
  const name = variant.name;
  const { method, path, headers, body } = variant.request;
  const remainingMs = Math.max(1, options.timeoutMs - clock());
  try {
    const response = await sendRequest({
      port,
      method,
      path,
      headers,
      ...(body === undefined ? {} : { body }),
      timeoutMs: remainingMs,
    });
    record.firstResponseMs = clock();
    record.firstResponseStatus = response.status;
    if (response.status >= 400) {
      throw failure(
        child,
        name,
        'THAW_BENCH_REQUEST_FAILED',
        `Variant "${name}" answered its first request ${method} ${path} with HTTP ${response.status}.`,
      );
    }
  } catch (error) {
    if (error instanceof RunFailedError) throw error;
    throw failure(
      child,
      name,
      'THAW_BENCH_REQUEST_FAILED',
      `Variant "${name}": the first request ${method} ${path} failed (${(error as Error).message}).`,
    );
  }
}

// A thaw function that said it is ready sends its startup report just after: wait a little.
async function awaitStartupReport(child: ChildHandle): Promise<void> {
  if (child.messages.ready === undefined || child.messages.startup !== undefined) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    child.startupReceived,
    child.exited,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, startupReportWaitMs);
    }),
  ]);
  clearTimeout(timer);
}

/**
 * Runs one cold start of `variant` and returns its record. A run that fails (exit, timeout,
 * port never opened, failed first request) comes back with `ok: false` and a `failure`
 * carrying the stderr tail; a command that cannot be started at all throws a BenchError.
 *
 * @example
 * ```ts
 * const record = await runColdStart(plan.variants[0], { iteration: 0, warmup: false }, { timeoutMs: 5000 });
 * console.log(record.firstResponseMs);
 * ```
 */
export async function runColdStart(
  variant: VariantSpec,
  position: RunPosition,
  options: BenchOptions = {},
): Promise<RunRecord> {
  const resolved = resolveBenchOptions(options);
  const port = await freePort();
  try {
    return await coldStartOnPort(variant, position, resolved, port);
  } finally {
    releasePort(port);
  }
}

async function coldStartOnPort(
  variant: VariantSpec,
  position: RunPosition,
  resolved: ResolvedBenchOptions,
  port: number,
): Promise<RunRecord> {
  const startedAt = new Date().toISOString();
  const origin = performance.now();
  const spawnEpochMs = performance.timeOrigin + origin;
  const clock = (): number => performance.now() - origin;
  const child = await startChild(
    {
      variant: variant.name,
      command: variant.command,
      cwd: variant.cwd,
      env: { ...variant.env, PORT: String(port) },
      stderrTailBytes: resolved.stderrTailBytes,
    },
    clock,
  );
  const record: Mutable<RunRecord> = {
    variant: variant.name,
    ...position,
    ok: false,
    pid: child.pid,
    port,
    startedAt,
  };
  try {
    if (resolved.burst > 0) {
      const burst = await runBurstClients(port, variant.request, resolved, clock, child.exited);
      record.burst = burst.requests;
      if (burst.firstConnectMs !== undefined) record.listeningMs = burst.firstConnectMs;
      if (burst.firstResponseMs !== undefined) record.firstResponseMs = burst.firstResponseMs;
      if (burst.requests.every((r) => r.status === undefined)) {
        throw failure(
          child,
          variant.name,
          child.hasExited() ? 'THAW_BENCH_EXITED' : 'THAW_BENCH_REQUEST_FAILED',
          `Variant "${variant.name}" answered none of the ${resolved.burst} burst requests.`,
        );
      }
    } else {
      await coldStart(variant, child, port, resolved, clock, record);
    }
    record.ok = true;
  } catch (error) {
    if (!(error instanceof RunFailedError)) throw error;
    record.failure = { code: error.code, message: error.message, stderrTail: error.stderrTail };
  } finally {
    record.exit = await child.stop(resolved.killGraceMs);
  }
  if (record.failure !== undefined) record.failure = { ...record.failure, stderrTail: child.stderrTail() };
  const runtime = runtimeReport(child, spawnEpochMs);
  if (runtime !== undefined) record.runtime = runtime;
  return record;
}
