// The ioredis standalone adapter: one multiplexed connection that reconnects with capped
// backoff, logs one line per outage, bounds the commands queued while disconnected
// (`maxOfflineCommands`) and, unless they are resent, fails in-flight commands of a dropped
// connection at once instead of at `commandTimeout`.
import type { Redis, RedisOptions } from 'ioredis';
import type { Socket } from 'node:net';
import type { EarlySocket } from './early-socket.ts';
import { backoffMs, closeOutcome, reason } from './pool-adapter.ts';
import type { AdapterCloseOutcome, PoolAdapter, PoolGauges } from './pool-adapter.ts';
import { PoolUnavailableError } from './pool-errors.ts';
import { quitWithin } from './redis-quit.ts';
import type { ResolvedRedisOptions } from './redis-options.ts';
import { unresolvedHostError, type UrlConvention } from './unresolved-host.ts';

// ioredis keeps these queues as plain (if undocumented) fields; thaw reads their lengths for the
// gauges and bounds the offline one.
interface Queues {
  readonly commandQueue: { readonly length: number };
  readonly offlineQueue: { readonly length: number };
  flushQueue(error: Error, options: { offlineQueue: boolean; commandQueue: boolean }): void;
}

interface QueuedCommand {
  reject(error: Error): void;
  readonly promise: Promise<unknown>;
}

type SendCommand = (command: QueuedCommand, stream?: unknown) => unknown;

// ioredis' connector (its `Connector` option's shape): connect() resolves the stream it then
// drives; an already connected stream is fine, ioredis checks `stream.connecting` itself.
interface Connector {
  connecting: boolean;
  stream?: Socket;
  firstError?: Error;
  connect(onEvent: unknown): Promise<Socket>;
}

interface ResolvedClientOptions {
  readonly host?: unknown;
  readonly port?: unknown;
  readonly path?: unknown;
  readonly tls?: unknown;
  readonly sentinels?: unknown;
}

const redisUrls: UrlConvention = { variable: 'REDIS_URL', example: 'redis://127.0.0.1:6379' };

/**
 * A standalone ioredis client behind the {@link PoolAdapter} shape.
 *
 * @example
 * ```ts
 * const adapter = new RedisStandaloneAdapter('cache', Redis, 'redis://127.0.0.1:6379', {}, options);
 * await adapter.verify();
 * ```
 */
export class RedisStandaloneAdapter implements PoolAdapter<Redis> {
  readonly resource: Redis;
  readonly checkName = 'PING';
  readonly #name: string;
  readonly #options: ResolvedRedisOptions;
  readonly #queues: Queues;
  readonly #url: string | undefined;
  #closing = false;
  #outage = false;
  #lastError: unknown;
  readonly #early: EarlySocket | undefined;

  constructor(
    name: string,
    RedisClass: typeof Redis,
    url: string | undefined,
    clientOptions: Record<string, unknown>,
    options: ResolvedRedisOptions,
    early?: EarlySocket,
  ) {
    this.#name = name;
    this.#options = options;
    this.#early = early;
    this.#url = url;
    const settings = clientSettings(clientOptions, options);
    this.resource = url === undefined ? new RedisClass(settings) : new RedisClass(url, settings);
    this.#queues = this.resource as unknown as Queues;
    if (early !== undefined) this.#adoptEarly(early);
    this.#followConnection();
    if (!options.autoResendUnfulfilledCommands) this.#failInFlightOnClose();
    this.#boundOfflineQueue();
  }

  async verify(): Promise<void> {
    const client = this.resource;
    try {
      if (client.status === 'wait' || client.status === 'end') await client.connect();
      await client.ping();
    } catch (error) {
      // ioredis rejects with "Connection is closed."; the reason is in its last 'error' event.
      if (this.#lastError === undefined) throw error;
      // A name that does not resolve is a wrong URL far more often than an outage: say which.
      const unresolved = this.#unresolved(this.#lastError);
      if (unresolved !== undefined) throw unresolved;
      // The caught error is generic; the connection error is the useful cause.
      const explained = new Error(`${reason(error)} (last connection error: ${reason(this.#lastError)})`, {
        cause: this.#lastError,
      });
      throw explained;
    }
  }

  async warm(): Promise<void> {
    if (this.resource.status === 'wait') await this.resource.connect();
  }

  gauges(): PoolGauges {
    const ready = this.resource.status === 'ready';
    const inFlight = this.#queues.commandQueue.length;
    return {
      size: ready ? 1 : 0,
      idle: ready && inFlight === 0 ? 1 : 0,
      borrowed: inFlight,
      waiting: this.#queues.offlineQueue.length,
      max: 1,
      min: 1,
    };
  }

  async close(drainTimeoutMs: number): Promise<AdapterCloseOutcome> {
    this.#early?.dispose();
    const client = this.resource;
    this.#closing = true;
    const quit = await quitWithin(client, drainTimeoutMs);
    if (quit === 'idle') return closeOutcome(0, 'command', 'still waiting for a reply');
    if (quit === 'drained') {
      if ((client.status as string) !== 'end') client.disconnect();
      return closeOutcome(0, 'command', 'still waiting for a reply');
    }
    // QUIT itself is one of the queued commands.
    const leaked = Math.max(0, this.#queues.commandQueue.length + this.#queues.offlineQueue.length - 1);
    client.disconnect();
    return closeOutcome(leaked, 'command', 'still waiting for a reply');
  }

  // The client was created with lazyConnect, so nothing has connected yet: its connector's first
  // connect() resolves the early socket, when ioredis' own reading of the config agrees with it.
  // Reconnections, and a first connect without a usable early socket, are ioredis' own.
  #adoptEarly(early: EarlySocket): void {
    const resolved = (this.resource as unknown as { options: ResolvedClientOptions }).options;
    const connector = (this.resource as unknown as { connector?: Connector }).connector;
    const plainTcp = resolved.path == null && resolved.tls == null && resolved.sentinels == null;
    if (
      connector === undefined ||
      !plainTcp ||
      resolved.host !== early.target.host ||
      Number(resolved.port) !== early.target.port
    ) {
      early.dispose();
      return;
    }
    const own = connector.connect.bind(connector);
    connector.connect = (onEvent) => {
      connector.connect = own;
      const socket = early.take();
      if (socket === undefined) return own(onEvent);
      connector.connecting = true;
      connector.stream = socket;
      socket.once('error', (error) => {
        connector.firstError = error;
      });
      return Promise.resolve(socket);
    };
  }

  // Unhandled, ioredis prints every reconnection failure; one line per outage is enough.
  #followConnection(): void {
    this.resource.on('error', (error: unknown) => {
      this.#lastError = error;
      if (this.#closing || this.#outage) return;
      this.#outage = true;
      const unresolved = this.#unresolved(error);
      if (unresolved !== undefined) {
        this.#options.logger.warn(
          `${unresolved.message} (Reconnection attempts at most ${this.#options.retryDelayMaxMs} ms apart.)`,
        );
        return;
      }
      this.#options.logger.warn(
        `Pool "${this.#name}" (redis) lost its connection and keeps reconnecting (at most ${this.#options.retryDelayMaxMs} ms apart): ${reason(error)}`,
      );
    });
    this.resource.on('ready', () => {
      this.#outage = false;
      this.#lastError = undefined;
    });
  }

  #unresolved(error: unknown): Error | undefined {
    return unresolvedHostError(this.#name, 'redis', error, this.#url, redisUrls);
  }

  // ioredis would otherwise keep the in-flight commands of a dropped connection unanswered until
  // commandTimeout; they may have run already, so they fail now, and the caller decides.
  #failInFlightOnClose(): void {
    this.resource.on('close', () => {
      if (this.#closing || this.#queues.commandQueue.length === 0) return;
      this.#queues.flushQueue(
        new PoolUnavailableError(
          this.#name,
          'redis',
          'lost its connection while this command was in flight',
          'It may or may not have run on the server; retry it only if it is safe to run twice.',
        ),
        { offlineQueue: false, commandQueue: true },
      );
    });
  }

  #boundOfflineQueue(): void {
    const client = this.resource;
    // Looked up on the prototype at each call, not captured now: an instrumentation that patches
    // `sendCommand` later (thaw loads OpenTelemetry after ready) must reach this client too.
    const prototype = Object.getPrototypeOf(client) as object;
    const send: SendCommand = (command, stream) =>
      (Reflect.get(prototype, 'sendCommand', client) as SendCommand).call(client, command, stream);
    const bounded: SendCommand = (command, stream) => {
      if (!this.#offlineQueueFull()) return send(command, stream);
      command.reject(
        new PoolUnavailableError(
          this.#name,
          'redis',
          `is disconnected and already holds ${this.#queues.offlineQueue.length} queued commands (maxOfflineCommands)`,
          'The command was not sent; Redis is down or unreachable, and the client keeps reconnecting.',
        ),
      );
      return command.promise;
    };
    Object.defineProperty(client, 'sendCommand', { configurable: true, writable: true, value: bounded });
  }

  #offlineQueueFull(): boolean {
    const { status } = this.resource;
    const offline = status !== 'ready' && status !== 'connect' && status !== 'wait';
    return offline && !this.#closing && this.#queues.offlineQueue.length >= this.#options.maxOfflineCommands;
  }
}

function clientSettings(
  clientOptions: Record<string, unknown>,
  options: ResolvedRedisOptions,
): RedisOptions & { replyMapping?: never } {
  const retryDelayMaxMs = options.retryDelayMaxMs;
  return {
    ...clientOptions,
    lazyConnect: true,
    connectTimeout: options.connectTimeout,
    commandTimeout: options.commandTimeout,
    maxRetriesPerRequest: options.maxRetriesPerRequest,
    autoResendUnfulfilledCommands: options.autoResendUnfulfilledCommands,
    retryStrategy:
      clientOptions['retryStrategy'] !== undefined
        ? clientOptions['retryStrategy']
        : (times: number) => backoffMs(times, retryDelayMaxMs),
  } as RedisOptions & { replyMapping?: never };
}
