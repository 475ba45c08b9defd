// The state of tracing in one process. Until a tracer exists, invocations are only timed into a
// bounded buffer; after ready, the tracer is obtained at a quiet moment after the first response
// (or after an idle delay), never on the way to it, and thaw's own SDK loads in paced steps
// (load-pacer.ts); then the startup marks and the buffered invocations are replayed with their
// real times, and later invocations get live spans. At shutdown whatever is pending is flushed,
// within a bound, and skipped at once when the collector refuses connections.
import type { Span, SpanContext } from '@opentelemetry/api';
import { firstWithin } from '../bounded-wait.ts';
import { redactSecrets, ThawError } from '../errors.ts';
import type { InvocationInfo, InvocationOutcome, InvocationWrapper, StatsProvider } from '../lifecycle.ts';
import { checkRefusal, type RefusalCheck } from './collector-refusal.ts';
import { LoadPacer, type Pace } from './load-pacer.ts';
import { replayColdStart, type PhaseSpan } from './cold-start-span.ts';
import { endInvocationSpan, startInvocationSpan } from './invocation-span.ts';
import { InvocationBuffer, type InvocationRecord } from './invocation-buffer.ts';
import { IdentityStore, invocationIdentity, type InvocationIdentity } from './invocation-identity.ts';
import { formatTraceparent, type TraceHeaders } from '../trace-context.ts';
import { hasRegisteredTracerProvider, type Telemetry } from './otel.ts';
import { ATTR_THAW_INVOCATIONS_DROPPED, ATTR_THAW_REPLAYED, ATTR_THAW_TRACING_SDK } from './semconv.ts';
import type { ResolvedTracingOptions } from './tracing-options.ts';

/** What deferred tracing needs from its surroundings; injectable for tests. */
export interface DeferredTracingDeps {
  readonly options: ResolvedTracingOptions;
  /** ms since process start. */
  readonly now: () => number;
  /**
   * Obtains the tracer: the application's provider, or thaw's own SDK, loaded in steps with
   * `pace` awaited before each.
   */
  readonly loadTelemetry: (userProvider: boolean, pace: Pace) => Promise<Telemetry>;
  /**
   * Where thaw's own SDK would export, known before it is loaded; undefined when it would not
   * use thaw's OTLP/HTTP exporter (or an application's provider is used).
   */
  readonly collectorEndpoint?: () => string | undefined;
  readonly stats: ReadonlyMap<string, StatsProvider>;
}

/**
 * Tracing whose tracer arrives late. Exposes the invocation wrapper, the after-ready step and
 * the shutdown flush that `installTracing()` registers in the lifecycle hooks.
 *
 * @example
 * ```ts
 * const tracing = new DeferredTracing({ options, now: sinceStart, loadTelemetry, stats: liveStats() });
 * wrapInvocations(tracing.wrap, { outermost: true });
 * ```
 */
export class DeferredTracing {
  readonly #deps: DeferredTracingDeps;
  readonly #buffer: InvocationBuffer;
  #telemetry: Telemetry | undefined;
  #loading: Promise<Telemetry | undefined> | undefined;
  readonly #pacer: LoadPacer;
  #ready = false;
  #firstInvocationEnded = false;
  #coldStartReplayed = false;
  #idleTimer: NodeJS.Timeout | undefined;
  #sdkLoad: PhaseSpan | undefined;
  /** The span of the cold-start invocation, which the `cold start` trace links to. */
  #coldInvocation: SpanContext | undefined;
  /** How many resources (pools) were registered when modules were last handed to the hooks. */
  #resourcesPatched = 0;
  /** Identities of invocations running before the tracer exists; made on the first one. */
  #identities: IdentityStore | undefined;

  constructor(deps: DeferredTracingDeps) {
    this.#deps = deps;
    this.#buffer = new InvocationBuffer(deps.options.invocationBufferSize);
    this.#pacer = new LoadPacer({
      quietMs: deps.options.sdkQuietMs,
      maxWaitMs: deps.options.sdkIdleDelayMs,
    });
  }

  /** The tracer in use, once there is one. */
  get telemetry(): Telemetry | undefined {
    return this.#telemetry;
  }

  /** Runs one invocation: inside a live SERVER span when a tracer exists, timed into the buffer otherwise. */
  readonly wrap: InvocationWrapper = (info, run) => {
    this.#pacer.requestStarted();
    const startMs = this.#deps.now();
    const telemetry = this.#telemetry;
    let live: ReturnType<typeof startInvocationSpan> | undefined;
    if (telemetry !== undefined) {
      try {
        live = startInvocationSpan(telemetry.api, telemetry.tracer, info);
        if (info.coldStart) this.#coldInvocation = live.span.spanContext();
      } catch (error) {
        this.#report(error, 'Starting the span of an invocation failed');
      }
    }
    let identity: InvocationIdentity | undefined;
    let running: Promise<InvocationOutcome>;
    try {
      if (live !== undefined && telemetry !== undefined)
        running = telemetry.api.context.with(live.context, run);
      else if (telemetry === undefined) {
        // thaw's own SDK will create the span with the ids drawn now; an application's provider
        // draws its own, so only the caller's context can be passed on.
        identity = invocationIdentity(info.headers, !hasRegisteredTracerProvider());
        running =
          identity === undefined ? run() : (this.#identities ??= new IdentityStore()).run(identity, run);
      } else running = run();
    } catch (error) {
      // The user's own thrown value goes back to the core unchanged, whatever it is.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      running = Promise.reject(error);
    }
    return running.then(
      (outcome) => {
        this.#finish(info, startMs, outcome, live?.span, identity);
        return outcome;
      },
      (error: unknown) => {
        this.#finish(info, startMs, { status: 500, error }, live?.span, identity);
        throw error;
      },
    );
  };

  /**
   * The W3C trace headers of the current invocation's span, for what it sends on: the active
   * span once a tracer exists, else the ids drawn for the buffered invocation; undefined outside
   * an invocation.
   */
  readonly traceHeaders = (): TraceHeaders | undefined => {
    const telemetry = this.#telemetry;
    if (telemetry !== undefined) {
      const span = telemetry.api.trace.getSpanContext(telemetry.api.context.active());
      if (span !== undefined && telemetry.api.trace.isSpanContextValid(span)) {
        const tracestate = span.traceState?.serialize();
        return {
          traceparent: formatTraceparent(span),
          ...(tracestate === undefined || tracestate === '' ? {} : { tracestate }),
        };
      }
    }
    const identity = this.#identities?.current();
    if (identity === undefined) return undefined;
    return {
      traceparent: formatTraceparent(identity),
      ...(identity.tracestate === undefined ? {} : { tracestate: identity.tracestate }),
    };
  };

  /**
   * The after-ready step. With a provider the application registered, nothing heavy is left to
   * load: the tracer is taken at once (resolves when it is in use). Otherwise the SDK loads
   * `sdkQuietMs` after the first response with no request running, or after `sdkIdleDelayMs`
   * when no request comes.
   */
  async onReady(): Promise<void> {
    if (this.#ready) return;
    this.#ready = true;
    if (hasRegisteredTracerProvider()) {
      await this.load();
      return;
    }
    if (this.#firstInvocationEnded) {
      this.#loadWhenQuiet();
      return;
    }
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = undefined;
      // A request still running will start the load when it ends.
      if (this.#pacer.inFlight === 0) void this.load();
    }, this.#deps.options.sdkIdleDelayMs);
    this.#idleTimer.unref();
  }

  /** Obtains the tracer (once) and replays what was recorded before it existed. Never rejects. */
  load(): Promise<Telemetry | undefined> {
    if (this.#loading !== undefined) return this.#loading;
    this.#clearIdleTimer();
    const startMs = this.#deps.now();
    const userProvider = hasRegisteredTracerProvider();
    this.#loading = this.#deps.loadTelemetry(userProvider, this.#pacer.pace).then(
      (telemetry) => {
        if (telemetry.source === 'thaw') {
          this.#sdkLoad = { name: 'tracing sdk load', startMs, endMs: this.#deps.now(), kind: 'phase' };
        }
        this.#telemetry = telemetry;
        this.#resourcesPatched = this.#deps.stats.size;
        this.#replayBuffered(telemetry);
        if (this.#firstInvocationEnded) this.#replayColdStart(telemetry);
        return telemetry;
      },
      (error: unknown) => {
        this.#report(error, 'Loading OpenTelemetry failed; tracing stays off for this process');
        return undefined;
      },
    );
    return this.#loading;
  }

  /**
   * Exports everything recorded so far, loading the tracer first if it never was (without
   * pacing). Bounded by `flushTimeoutMs`; skipped at once when the collector of thaw's exporter
   * refuses connections, which one TCP connect tells before anything is loaded or sent. Never
   * rejects.
   */
  async flush(): Promise<void> {
    this.#clearIdleTimer();
    this.#pacer.hurry();
    let refusal: RefusalCheck | undefined;
    const refusedBy = (
      check: RefusalCheck,
      endpoint: string,
    ): Promise<{ refused: string; endpoint: string }> =>
      check.refused.then((code) => ({ refused: code, endpoint }));
    const work = async (): Promise<'done' | { refused: string; endpoint: string }> => {
      const endpoint =
        this.#telemetry === undefined ? this.#deps.collectorEndpoint?.() : this.#telemetry.collectorEndpoint;
      if (endpoint !== undefined) {
        refusal = checkRefusal(endpoint);
        const answer = await firstWithin<{ refused: string; endpoint: string } | 'accepted'>(
          [refusedBy(refusal, endpoint), refusal.accepted.then(() => 'accepted' as const)],
          refusalAnswerMs,
        );
        if (typeof answer === 'object') return answer;
      }
      const telemetry = await this.load();
      if (telemetry === undefined) return 'done';
      this.#replayColdStart(telemetry);
      const flushing = telemetry.flush().then(() => 'done' as const);
      const exportsTo = telemetry.collectorEndpoint;
      if (exportsTo === undefined) return flushing;
      // The answer may still come (a host name being resolved): it ends the flush then.
      refusal ??= checkRefusal(exportsTo);
      return Promise.race([flushing, refusedBy(refusal, exportsTo)]);
    };
    const timeoutMs = this.#deps.options.flushTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        resolve('timeout');
      }, timeoutMs);
      timer.unref();
    });
    try {
      const result = await Promise.race([work(), timeout]);
      if (result === 'timeout') {
        this.#report(
          undefined,
          `Flushing telemetry took longer than ${timeoutMs} ms (flushTimeoutMs); spans not exported by then were dropped so that shutdown could go on. Check that the collector at OTEL_EXPORTER_OTLP_ENDPOINT is reachable`,
        );
      } else if (result !== 'done') {
        this.#report(
          undefined,
          `The collector at ${redactSecrets(result.endpoint)} refused the connection (${result.refused}); spans not exported yet were dropped at once so that shutdown could go on. Check OTEL_EXPORTER_OTLP_ENDPOINT and that the collector runs`,
        );
      }
    } catch (error) {
      this.#report(error, 'Flushing telemetry failed');
    } finally {
      clearTimeout(timer);
      refusal?.cancel();
    }
  }

  #finish(
    info: InvocationInfo,
    startMs: number,
    outcome: InvocationOutcome,
    span: Span | undefined,
    identity: InvocationIdentity | undefined,
  ): void {
    this.#pacer.requestEnded();
    const telemetry = this.#telemetry;
    try {
      // A live span ends now, on the SDK's clock; only an invocation without one is remembered.
      if (span !== undefined && telemetry !== undefined) endInvocationSpan(telemetry.api, span, outcome);
      else {
        const endMs = this.#deps.now();
        const record: InvocationRecord =
          identity === undefined
            ? { info, startMs, endMs, outcome }
            : { info, startMs, endMs, outcome, identity };
        if (telemetry !== undefined) this.#replayInvocation(telemetry, record);
        else this.#buffer.add(record);
      }
    } catch (error) {
      this.#report(error, 'Recording the span of an invocation failed');
    }
    if (telemetry !== undefined) this.#patchNewModules(telemetry);
    if (this.#firstInvocationEnded) return;
    this.#firstInvocationEnded = true;
    // The core marks the first response when the response is done; let that happen first.
    if (telemetry !== undefined) {
      setImmediate(() => {
        this.#replayColdStart(telemetry);
      }).unref();
    } else if (this.#ready) {
      this.#loadWhenQuiet();
    }
  }

  // A pool created after the SDK started may have loaded its client package with import(),
  // which the instrumentations' require hooks do not see (pg is still patched through the files
  // it requires; ioredis is not). A new pool shows as a new resource: hand the modules to the
  // hooks again, so the pool's calls are traced from the next invocation on.
  #patchNewModules(telemetry: Telemetry): void {
    const resources = this.#deps.stats.size;
    if (telemetry.patchLoadedModules === undefined || resources === this.#resourcesPatched) return;
    this.#resourcesPatched = resources;
    try {
      telemetry.patchLoadedModules();
    } catch (error) {
      this.#report(error, 'Instrumenting modules loaded after the OpenTelemetry SDK failed');
    }
  }

  #loadWhenQuiet(): void {
    this.#clearIdleTimer();
    void this.#pacer.whenQuiet().then(() => this.load());
  }

  #replayBuffered(telemetry: Telemetry): void {
    for (const record of this.#buffer.drain()) {
      try {
        this.#replayInvocation(telemetry, record);
      } catch (error) {
        this.#report(error, 'Replaying an invocation as a span failed');
      }
    }
  }

  #replayInvocation(telemetry: Telemetry, record: InvocationRecord): void {
    const start = (): ReturnType<typeof startInvocationSpan> =>
      startInvocationSpan(telemetry.api, telemetry.tracer, record.info, record.startMs);
    const { identity } = record;
    const { span } =
      identity?.preset === true && telemetry.withSpanIds !== undefined
        ? telemetry.withSpanIds(identity, start)
        : start();
    if (record.info.coldStart) this.#coldInvocation = span.spanContext();
    span.setAttribute(ATTR_THAW_REPLAYED, true);
    endInvocationSpan(telemetry.api, span, record.outcome, record.endMs);
  }

  #replayColdStart(telemetry: Telemetry): void {
    if (this.#coldStartReplayed) return;
    this.#coldStartReplayed = true;
    try {
      replayColdStart(telemetry.api, telemetry.tracer, {
        stats: this.#deps.stats,
        extraPhases: this.#sdkLoad === undefined ? [] : [this.#sdkLoad],
        attributes: {
          [ATTR_THAW_INVOCATIONS_DROPPED]: this.#buffer.dropped,
          ...(telemetry.sdkPath === undefined ? {} : { [ATTR_THAW_TRACING_SDK]: telemetry.sdkPath }),
        },
        ...(this.#coldInvocation === undefined ? {} : { coldInvocation: this.#coldInvocation }),
      });
    } catch (error) {
      this.#report(error, 'Replaying the cold start as spans failed');
    }
  }

  #clearIdleTimer(): void {
    if (this.#idleTimer === undefined) return;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }

  #report(error: unknown, what: string): void {
    const wrapped =
      error instanceof ThawError
        ? error
        : new ThawError('THAW_TELEMETRY_FAILED', `${what}. The application is not affected.`, {
            ...(error === undefined ? {} : { cause: error }),
          });
    try {
      this.#deps.options.onError(wrapped);
    } catch {
      // The error handler itself failed; telemetry must still not throw into user code.
    }
  }
}

/**
 * How long the flush waits for the collector check's answer before loading and exporting anyway:
 * a refusal on loopback or in the cluster arrives well within it; a blackholed collector gives
 * none, and its flush stays bounded by flushTimeoutMs.
 */
const refusalAnswerMs = 100;
