// The id generator of thaw's own SDK: random ids, as the SDK's default draws them, except while
// a replayed invocation's span is started, which then gets the ids drawn when the invocation ran
// (see invocation-identity.ts). The SDK asks for the span id first, then for a trace id only when
// the span has no parent.
import { randomId } from './invocation-identity.ts';

/** A span's ids, lower-case hex: 32 digits for the trace, 16 for the span. */
export interface SpanIds {
  readonly traceId: string;
  readonly spanId: string;
}

/**
 * An OpenTelemetry `IdGenerator` whose next span can be given its ids.
 *
 * @example
 * ```ts
 * const ids = new PresetIdGenerator();
 * const sdk = new NodeSDK({ idGenerator: ids });
 * ids.with({ traceId, spanId }, () => tracer.startSpan('replayed'));
 * ```
 */
export class PresetIdGenerator {
  #preset: SpanIds | undefined;

  /** Runs `start` with the ids preset; they apply to spans started synchronously inside it. */
  with<T>(ids: SpanIds, start: () => T): T {
    const previous = this.#preset;
    this.#preset = ids;
    try {
      return start();
    } finally {
      this.#preset = previous;
    }
  }

  generateTraceId(): string {
    return this.#preset?.traceId ?? randomId(16);
  }

  generateSpanId(): string {
    return this.#preset?.spanId ?? randomId(8);
  }
}
