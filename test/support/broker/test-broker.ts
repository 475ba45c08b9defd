// A broker that speaks Knative Eventing's broker contract, for tests that cannot have a cluster:
// an ingress that accepts one CloudEvent per HTTP POST at /<namespace>/<broker> (binary or
// structured mode) and answers 202; `knativearrivaltime` set on arrival; fan-out to every Trigger
// whose `filter.attributes` all equal the event's; delivery in binary mode with `Prefer: reply`;
// a subscriber's reply event sent back to the ingress; retries and the dead-letter sink per the
// Trigger's (or its Broker's) `delivery`, the dead-lettered event carrying Knative's
// `knativeerrordest`, `knativeerrorcode` and `knativeerrordata`; `knativebrokerttl` counted down
// so that a reply loop ends. Every acceptance and delivery attempt is recorded for the test.
//
// Tracing: Knative's broker sends a reply on under its own dispatch span. This broker has no
// spans of its own, so it passes the W3C `traceparent`/`tracestate` of the request on to each
// delivery, and a reply re-enters with the trace context its response carried (else the
// delivery's), which is what lets a test follow one trace from function to function.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  backoffMs,
  isDelivered,
  isRetryable,
  type AttemptResult,
  type DeliveryPolicy,
  type Destination,
} from './delivery-policy.ts';
import {
  binaryMessage,
  carriesEvent,
  InvalidEventError,
  readEvent,
  withAttributes,
  type BrokerEvent,
} from './cloud-event-message.ts';
import { matches, routingFromManifests, type Trigger } from './triggers.ts';

export interface TestBrokerOptions {
  /** Knative manifests (YAML text) holding the Brokers and Triggers. */
  readonly manifests: readonly string[];
  /** Where a `ref` (a Service) resolves: its name → base URL. */
  readonly services: Readonly<Record<string, string>>;
  /** Namespace in the ingress path. @default 'default' */
  readonly namespace?: string;
  /** Factor on every backoff wait (0.1 runs ten times faster); records keep the planned wait. @default 1 */
  readonly timeScale?: number;
  /** Per-attempt timeout when the delivery has no `timeout`. @default 10000 */
  readonly requestTimeoutMs?: number;
}

/** Trace context headers an event travels with. */
export interface TraceContext {
  readonly traceparent?: string;
  readonly tracestate?: string;
}

/** One event the ingress accepted. */
export interface Accepted {
  readonly broker: string;
  readonly event: BrokerEvent;
  readonly trace: TraceContext;
  /** `ingress`: posted by a client; `reply`: a subscriber's reply. */
  readonly from: 'ingress' | 'reply';
}

/** One try of a delivery. */
export interface Attempt {
  /** The wait planned before it by the backoff policy (unscaled), 0 for the first. */
  readonly plannedWaitMs: number;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly result: AttemptResult;
}

/** The delivery of one event to one Trigger's subscriber, from first try to outcome. */
export interface Delivery {
  readonly trigger: string;
  readonly event: BrokerEvent;
  readonly trace: TraceContext;
  readonly attempts: Attempt[];
  /** `delivered` (2xx), `dead-lettered` (the sink took it), `dropped` (no sink), `lost` (the sink failed too). */
  outcome: 'pending' | 'delivered' | 'dead-lettered' | 'dropped' | 'lost';
  /** The reply event, when the subscriber answered with one. */
  reply?: BrokerEvent;
  /** What the dead-letter sink received. */
  deadLetter?: BrokerEvent;
}

const ttlAttribute = 'knativebrokerttl';
const defaultTtl = 255;
/** Knative caps knativeerrordata (base64 of the failed response's body). */
const errorDataMaxLength = 1024;

/**
 * A broker on a loopback port.
 *
 * @example
 * ```ts
 * const broker = await TestBroker.start({ manifests, services: { 'order-risk': url } });
 * await fetch(broker.ingressUrl(), { method: 'POST', headers, body });
 * await broker.settled();
 * ```
 */
export class TestBroker {
  readonly triggers: readonly Trigger[];
  readonly accepted: Accepted[] = [];
  readonly deliveries: Delivery[] = [];
  readonly #brokers: ReadonlySet<string>;
  readonly #options: Required<Omit<TestBrokerOptions, 'manifests'>>;
  readonly #server: Server;
  readonly #closing = new AbortController();
  #inFlight = 0;
  #port = 0;

  private constructor(options: TestBrokerOptions) {
    const routing = routingFromManifests(options.manifests);
    this.triggers = routing.triggers;
    this.#brokers = new Set([...routing.brokers.keys(), ...routing.triggers.map((t) => t.broker)]);
    this.#options = {
      services: options.services,
      namespace: options.namespace ?? 'default',
      timeScale: options.timeScale ?? 1,
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    };
    this.#server = createServer((request, response) => {
      void this.#ingress(request, response);
    });
  }

  /** Starts a broker on a free loopback port. */
  static async start(options: TestBrokerOptions): Promise<TestBroker> {
    const broker = new TestBroker(options);
    await new Promise<void>((resolve) => broker.#server.listen(0, '127.0.0.1', resolve));
    broker.#port = (broker.#server.address() as AddressInfo).port;
    return broker;
  }

  /** The ingress address of a broker, as a Broker's `status.address.url`. */
  ingressUrl(broker = 'default'): string {
    return `http://127.0.0.1:${this.#port}/${this.#options.namespace}/${broker}`;
  }

  /** Resolves once no delivery is in flight (every event delivered, dead-lettered or dropped). */
  async settled(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.#inFlight > 0) {
      if (Date.now() > deadline)
        throw new Error(`The broker still had ${this.#inFlight} deliveries in flight after ${timeoutMs} ms.`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Stops accepting, abandons pending retries and closes the ingress. */
  async close(): Promise<void> {
    this.#closing.abort();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.#server.close(() => {
        resolve();
      }),
    );
  }

  async #ingress(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readAll(request);
    const [, namespace, broker, ...rest] = (request.url ?? '/').split('?')[0]!.split('/');
    if (
      namespace !== this.#options.namespace ||
      broker === undefined ||
      !this.#brokers.has(broker) ||
      rest.length > 0
    ) {
      response.writeHead(404).end();
      return;
    }
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    let event: BrokerEvent;
    try {
      event = readEvent(request.headers, body);
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      response.writeHead(400, { 'content-type': 'text/plain' }).end(error.message);
      return;
    }
    const ttl = Number(event.attributes[ttlAttribute] ?? defaultTtl);
    event = withAttributes(event, {
      knativearrivaltime: new Date().toISOString(),
      [ttlAttribute]: String(ttl),
    });
    const trace = traceOf(request.headers);
    this.accepted.push({
      broker,
      event,
      trace,
      from: request.headers['x-test-broker-reply'] === '1' ? 'reply' : 'ingress',
    });
    if (Number.isFinite(ttl) && ttl > 0) {
      for (const trigger of this.triggers) {
        if (trigger.broker === broker && matches(trigger.filter, event.attributes))
          this.#dispatch(trigger, event, trace);
      }
    }
    response.writeHead(202).end();
  }

  #dispatch(trigger: Trigger, event: BrokerEvent, trace: TraceContext): void {
    const delivery: Delivery = { trigger: trigger.name, event, trace, attempts: [], outcome: 'pending' };
    this.deliveries.push(delivery);
    this.#inFlight += 1;
    void this.#deliver(trigger, delivery)
      .catch(() => {
        delivery.outcome = 'lost';
      })
      .finally(() => {
        this.#inFlight -= 1;
      });
  }

  async #deliver(trigger: Trigger, delivery: Delivery): Promise<void> {
    const ttl = Number(delivery.event.attributes[ttlAttribute]) - 1;
    const sent = withAttributes(delivery.event, { [ttlAttribute]: String(ttl) });
    const target = this.#resolve(trigger.subscriber);
    const outcome = await this.#send(target, sent, delivery.trace, trigger.delivery, delivery.attempts);
    if (isDelivered(outcome.result)) {
      delivery.outcome = 'delivered';
      if (!carriesEvent(outcome.headers)) return;
      let reply: BrokerEvent;
      try {
        reply = readEvent(outcome.headers, outcome.body);
      } catch {
        return; // Knative discards a response that is not a valid event.
      }
      // As Knative's filter does, the reply inherits the delivered event's remaining TTL.
      reply = withAttributes(reply, { [ttlAttribute]: String(ttl) });
      delivery.reply = reply;
      const replyTrace = traceOf(outcome.headers);
      const accepted = await this.#reenter(
        reply,
        replyTrace.traceparent === undefined ? delivery.trace : replyTrace,
      );
      if (accepted) return;
    }
    const sink = trigger.delivery.deadLetterSink;
    if (sink === undefined) {
      delivery.outcome = 'dropped';
      return;
    }
    const last = outcome.result;
    const deadLetter = withAttributes(delivery.event, {
      knativeerrordest: target,
      knativeerrorcode: String('status' in last ? last.status : 500),
      knativeerrordata: outcome.body.toString('base64').slice(0, errorDataMaxLength),
    });
    const sinkOutcome = await this.#send(
      this.#resolve(sink),
      deadLetter,
      delivery.trace,
      trigger.delivery,
      [],
    );
    delivery.deadLetter = deadLetter;
    delivery.outcome = isDelivered(sinkOutcome.result) ? 'dead-lettered' : 'lost';
  }

  async #reenter(reply: BrokerEvent, trace: TraceContext): Promise<boolean> {
    const { headers, body } = binaryMessage(reply);
    const result = await post(
      this.ingressUrl(),
      { ...headers, ...traceHeaders(trace), 'x-test-broker-reply': '1' },
      body,
      this.#options.requestTimeoutMs,
    );
    return isDelivered(result.result);
  }

  // One delivery to one target with its retries; resolves with the last attempt's result.
  async #send(
    target: string,
    event: BrokerEvent,
    trace: TraceContext,
    policy: DeliveryPolicy,
    attempts: Attempt[],
  ): Promise<{ result: AttemptResult; headers: Record<string, string>; body: Buffer }> {
    const { headers, body } = binaryMessage(event);
    const requestHeaders = { ...headers, ...traceHeaders(trace), prefer: 'reply' };
    const timeoutMs = policy.timeoutMs ?? this.#options.requestTimeoutMs;
    for (let retry = 0; ; retry += 1) {
      const plannedWaitMs = retry === 0 ? 0 : backoffMs(policy, retry);
      if (plannedWaitMs > 0) await this.#sleep(plannedWaitMs * this.#options.timeScale);
      const startedAt = Date.now();
      const answer = await post(target, requestHeaders, body, timeoutMs);
      attempts.push({ plannedWaitMs, startedAt, endedAt: Date.now(), result: answer.result });
      if (
        isDelivered(answer.result) ||
        !isRetryable(answer.result) ||
        retry >= policy.retry ||
        this.#closing.signal.aborted
      ) {
        return answer;
      }
    }
  }

  #resolve(destination: Destination): string {
    if ('uri' in destination) return destination.uri;
    const url = this.#options.services[destination.ref.name];
    if (url === undefined)
      throw new Error(`No address for ${destination.ref.kind} ${destination.ref.name}; pass it in services.`);
    return url;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#closing.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

async function post(
  url: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  timeoutMs: number,
): Promise<{ result: AttemptResult; headers: Record<string, string>; body: Buffer }> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: body ?? null,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    return {
      result: { status: response.status },
      headers: Object.fromEntries(response.headers),
      body: bytes,
    };
  } catch (error) {
    const timedOut =
      error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return { result: { failure: timedOut ? 'timeout' : 'connection' }, headers: {}, body: Buffer.alloc(0) };
  }
}

function traceOf(headers: Readonly<Record<string, string | string[] | undefined>>): TraceContext {
  const pick = (name: string): string | undefined => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const traceparent = pick('traceparent');
  const tracestate = pick('tracestate');
  return {
    ...(traceparent === undefined ? {} : { traceparent }),
    ...(tracestate === undefined ? {} : { tracestate }),
  };
}

function traceHeaders(trace: TraceContext): Record<string, string> {
  return { ...trace };
}

function readAll(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    request.on('error', reject);
  });
}
