// Runs the traced-pools function (from source or slimmed) against a loopback OTLP/HTTP collector
// and the shared PostgreSQL and Redis: a first request with a traceparent, which the function
// answers before the SDK loads; a second once the SDK has replayed the cold start; a last one
// followed at once by SIGTERM. Returns what the collector received and what the process reported.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { services } from '../../../../test/support/services.ts';
import { get, type FullResponse } from '../support/fixture-process.ts';
import { startOtlpCollector, type ReceivedSpan } from './otlp-collector.ts';

export const firstTraceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
export const secondTraceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

export interface ScenarioRun {
  readonly spans: ReceivedSpan[];
  readonly responses: FullResponse[];
  readonly messages: Array<Record<string, unknown>>;
  readonly exit: { code: number | null; signal: NodeJS.Signals | null };
  readonly stderr: string;
}

const observer = fileURLToPath(new URL('fixtures/observe-process.ts', import.meta.url));
const recorder = fileURLToPath(new URL('fixtures/record-resolutions.ts', import.meta.url));

/**
 * Runs `node [--import recorder --import observer] <script>` in `cwd`: `/first` with a
 * traceparent, then, once the cold start is exported, each of `later` (the first of them with
 * another traceparent), then SIGTERM, with `env` added to the function's environment. Always
 * reaps the child.
 */
export async function runTracedPoolsScenario(
  script: string,
  cwd: string,
  later: readonly string[] = ['/second', '/last'],
  env: Readonly<Record<string, string>> = {},
): Promise<ScenarioRun> {
  const collector = await startOtlpCollector();
  const child = spawn(process.execPath, ['--import', recorder, '--import', observer, script], {
    cwd,
    env: {
      PATH: process.env['PATH'] ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      THAW_OTEL: '1',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      K_SERVICE: 'traced-pools',
      DATABASE_URL: services.postgresUrl,
      REDIS_URL: services.redisUrl,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  const messages: Array<Record<string, unknown>> = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.on('message', (message) => messages.push(message as Record<string, unknown>));
  const exited = new Promise<ScenarioRun['exit']>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
    });
  });
  let done = false;
  void exited.then(() => (done = true));
  const until = async (what: string, test: () => boolean, timeoutMs = 20_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!test()) {
      if (done) throw new Error(`The function exited before ${what}.\nstderr: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.\nstderr: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  try {
    const listening = /"msg":"Listening on [^"]*:(\d+)\."/;
    await until('the "Listening on" line', () => listening.test(stderr));
    const port = Number(listening.exec(stderr)?.[1]);
    await until('ready', () => messages.some((m) => m['type'] === 'thaw:ready'));
    const responses: FullResponse[] = [];
    responses.push(await get(port, '/first', { headers: { traceparent: firstTraceparent } }));
    await until('the replayed cold start', () => collector.spans.some((s) => s.name === 'cold start'));
    for (const [index, path] of later.entries()) {
      const headers: Record<string, string> = index === 0 ? { traceparent: secondTraceparent } : {};
      responses.push(await get(port, path, { headers }));
    }
    child.kill('SIGTERM');
    const exit = await exited;
    return { spans: collector.spans, responses, messages, exit, stderr };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await collector.close();
  }
}

/** The SERVER span of the request to `path`. */
export function serverSpan(spans: readonly ReceivedSpan[], path: string): ReceivedSpan | undefined {
  return spans.find((span) => span.kind === 2 && span.attributes['url.path'] === path);
}

/** The spans of instrumentation scopes (pg, ioredis) that are children of `parent`. */
export function clientChildren(spans: readonly ReceivedSpan[], parent: ReceivedSpan): ReceivedSpan[] {
  return spans.filter(
    (span) => span.parentSpanId === parent.spanId && span.scope.includes('instrumentation-'),
  );
}
