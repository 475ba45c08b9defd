// One cold start of a container variant, as Knative runs it: the request arrives at the
// activator while the revision is at zero, the container starts under the variant's limits, the
// queue-proxy's prober (50 ms, 100 ms timeout) finds it ready, and the held requests go through.
// The Knative-mode record becomes a RunRecord, so the summaries and reports treat it as any run.
import { type VariantSpec } from './config.ts';
import { type PodmanStore } from './containers/podman.ts';
import {
  type ContainerVariant,
  type KnativeRunRecord,
  type PathRequest,
  runKnativeColdStart,
} from './knative/knative-cold-start.ts';
import { type ResolvedBenchOptions } from './options.ts';
import { type RunRecord } from './run-record.ts';
import { type RunPosition } from './run.ts';

/**
 * Runs one scale-from-zero of a container variant (`variant.container` set) whose image is in
 * `store` as `reference`. In burst mode, `options.burst` requests arrive together.
 *
 * @example
 * ```ts
 * const record = await runContainerColdStart(variant, 'localhost/fn:1', store, { iteration: 0, warmup: false }, options);
 * ```
 */
export async function runContainerColdStart(
  variant: VariantSpec,
  reference: string,
  store: PodmanStore,
  position: RunPosition,
  options: ResolvedBenchOptions,
): Promise<RunRecord> {
  const spec = variant.container;
  if (spec === undefined) throw new TypeError(`Variant "${variant.name}" is not a container variant.`);
  const startedAt = new Date().toISOString();
  const k = await runKnativeColdStart(knativeVariantOf(variant, spec, reference), {
    requests: options.burst > 0 ? options.burst : 1,
    timeoutMs: options.timeoutMs,
    store,
    probeAfterResponseMs: options.probeAfterResponseMs,
  });
  return runRecordOf(variant.name, k, position, startedAt, options.burst);
}

/** The emulated Knative path's view of a container variant, running `reference`. */
function knativeVariantOf(
  variant: VariantSpec,
  spec: NonNullable<VariantSpec['container']>,
  reference: string,
): ContainerVariant {
  const { method, path, headers, body } = variant.request;
  return {
    name: variant.name,
    image: reference,
    env: spec.env,
    ...(spec.cpus === undefined ? {} : { cpus: spec.cpus }),
    ...(spec.memoryBytes === undefined ? {} : { memoryBytes: spec.memoryBytes }),
    readOnly: spec.readOnly,
    tmpfs: spec.tmpfs,
    probe: spec.probe,
    successThreshold: spec.successThreshold,
    containerConcurrency: spec.containerConcurrency,
    request: { method, path, headers, ...(body === undefined ? {} : { body }) },
  };
}

/** The harness's run record of one Knative-path run (the process variants' shape). */
function runRecordOf(
  name: string,
  k: KnativeRunRecord,
  position: RunPosition,
  startedAt: string,
  burst: number,
): RunRecord {
  const { startup, ...details } = k;
  const record: { -readonly [K in keyof RunRecord]: RunRecord[K] } = {
    variant: name,
    ...position,
    ok: k.ok,
    port: k.port,
    startedAt,
    container: details,
  };
  if (k.listeningMs !== undefined) record.listeningMs = k.listeningMs;
  if (k.probedReadyMs !== undefined) record.readyMs = k.probedReadyMs;
  if (k.firstResponseMs !== undefined) record.firstResponseMs = k.firstResponseMs;
  const first = k.requests[0];
  if (first?.status !== undefined && burst === 0) record.firstResponseStatus = first.status;
  if (k.rssBytes !== undefined) record.rssBytes = k.rssBytes;
  if (k.cpuMs !== undefined) record.cpuMs = k.cpuMs;
  if (k.exitCode !== undefined) record.exit = { code: k.exitCode, signal: null, beforeKill: false };
  if (!k.ok) {
    record.failure = {
      code: 'THAW_BENCH_CONTAINER_FAILED',
      message: `Variant "${name}": ${k.failure ?? 'the run failed'}.`,
      stderrTail: k.stderrTail ?? '',
    };
  }
  if (burst > 0) record.burst = k.requests.map(burstEntryOf);
  if (startup !== undefined) {
    // The report's own clock (its process's timeOrigin) against the request's arrival.
    record.runtime = { processStartMs: startup.timeOrigin - k.originEpochMs, report: startup };
  }
  return record;
}

function burstEntryOf(r: PathRequest): NonNullable<RunRecord['burst']>[number] {
  return {
    ...(r.latencyMs === undefined ? {} : { latencyMs: r.latencyMs }),
    ...(r.status === undefined ? {} : { status: r.status }),
    ...(r.error === undefined ? {} : { error: r.error }),
  };
}
