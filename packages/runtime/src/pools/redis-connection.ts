import type { Cluster, ClusterNode, Redis, RedisOptions } from 'ioredis';
import { settlesWithin } from './bounded-wait.ts';
import { reason, type PoolAdapter, type PoolGauges } from './managed-pool.ts';
import { PoolUnavailableError } from './pool-errors.ts';
import { type ResolvedPoolOptions } from './pool-options.ts';

/** Redis options with every default applied. */
export interface ResolvedRedisOptions extends ResolvedPoolOptions {
  readonly connectTimeout: number;
  readonly commandTimeout: number;
  readonly maxRetriesPerRequest: number | null;
  readonly autoResendUnfulfilledCommands: boolean;
  readonly maxOfflineCommands: number;
  readonly retryDelayMaxMs: number;
}

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

/** 50 ms, doubling, capped: quick to notice a server that is back, gentle on one that is not. */
function backoff(capMs: number): (times: number) => number {
  return (times) => Math.min(50 * 2 ** Math.min(times - 1, 16), capMs);
}

/** A standalone ioredis client with thaw's failure behaviour. */
export function openStandalone(
  name: string,
  RedisClass: typeof Redis,
  url: string | undefined,
  clientOptions: Record<string, unknown>,
  options: ResolvedRedisOptions,
): PoolAdapter<Redis> {
  const settings = {
    ...clientOptions,
    lazyConnect: true,
    connectTimeout: options.connectTimeout,
    commandTimeout: options.commandTimeout,
    maxRetriesPerRequest: options.maxRetriesPerRequest,
    autoResendUnfulfilledCommands: options.autoResendUnfulfilledCommands,
    retryStrategy:
      clientOptions['retryStrategy'] !== undefined
        ? clientOptions['retryStrategy']
        : backoff(options.retryDelayMaxMs),
  } as RedisOptions & { replyMapping?: never };
  const client = url === undefined ? new RedisClass(settings) : new RedisClass(url, settings);
  const queues = client as unknown as Queues;
  const { logger } = options;
  let closing = false;
  let outage = false;
  let lastError: unknown;
  // Unhandled, ioredis prints every reconnection failure; one line per outage is enough.
  client.on('error', (error: unknown) => {
    lastError = error;
    if (closing || outage) return;
    outage = true;
    logger.warn(
      `Pool "${name}" (redis) lost its connection and keeps reconnecting (at most ${options.retryDelayMaxMs} ms apart): ${reason(error)}`,
    );
  });
  client.on('ready', () => {
    outage = false;
    lastError = undefined;
  });
  if (!options.autoResendUnfulfilledCommands) {
    // ioredis would otherwise keep the in-flight commands of a dropped connection unanswered until
    // commandTimeout; they may have run already, so they fail now, and the caller decides.
    client.on('close', () => {
      if (closing || queues.commandQueue.length === 0) return;
      queues.flushQueue(
        new PoolUnavailableError(
          name,
          'redis',
          'lost its connection while this command was in flight',
          'It may or may not have run on the server; retry it only if it is safe to run twice.',
        ),
        { offlineQueue: false, commandQueue: true },
      );
    });
  }
  // Looked up on the prototype at each call, not captured now: an instrumentation that patches
  // `sendCommand` later (thaw loads OpenTelemetry after ready) must reach this client too.
  const prototype = Object.getPrototypeOf(client) as object;
  const send: SendCommand = (command, stream) =>
    (Reflect.get(prototype, 'sendCommand', client) as SendCommand).call(client, command, stream);
  Object.defineProperty(client, 'sendCommand', {
    configurable: true,
    writable: true,
    value: (command: QueuedCommand, stream?: unknown) => {
      const offline = client.status !== 'ready' && client.status !== 'connect' && client.status !== 'wait';
      if (offline && !closing && queues.offlineQueue.length >= options.maxOfflineCommands) {
        command.reject(
          new PoolUnavailableError(
            name,
            'redis',
            `is disconnected and already holds ${queues.offlineQueue.length} queued commands (maxOfflineCommands)`,
            'The command was not sent; Redis is down or unreachable, and the client keeps reconnecting.',
          ),
        );
        return command.promise;
      }
      return send(command, stream);
    },
  });

  return {
    resource: client,
    checkName: 'PING',
    verify: async () => {
      try {
        if (client.status === 'wait' || client.status === 'end') await client.connect();
        await client.ping();
      } catch (error) {
        // ioredis rejects with "Connection is closed."; the reason is in its last 'error' event.
        if (lastError === undefined) throw error;
        // The caught error is generic; the connection error is the useful cause.
        const explained = new Error(`${reason(error)} (last connection error: ${reason(lastError)})`, {
          cause: lastError,
        });
        throw explained;
      }
    },
    warm: async () => {
      if (client.status === 'wait') await client.connect();
    },
    gauges: (): PoolGauges => {
      const ready = client.status === 'ready';
      const inFlight = queues.commandQueue.length;
      return {
        size: ready ? 1 : 0,
        idle: ready && inFlight === 0 ? 1 : 0,
        borrowed: inFlight,
        waiting: queues.offlineQueue.length,
        max: 1,
        min: 1,
      };
    },
    close: async (drainTimeoutMs) => {
      closing = true;
      if (client.status === 'end' || client.status === 'wait') {
        client.disconnect();
        return { leaked: 0, leakedWhat: 'commands still waiting for a reply' };
      }
      const quit = client.quit();
      quit.catch(() => undefined);
      if (await settlesWithin(quit, drainTimeoutMs)) {
        if ((client.status as string) !== 'end') client.disconnect();
        return { leaked: 0, leakedWhat: 'commands still waiting for a reply' };
      }
      // QUIT itself is one of the queued commands.
      const leaked = Math.max(0, queues.commandQueue.length + queues.offlineQueue.length - 1);
      client.disconnect();
      return {
        leaked,
        leakedWhat: leaked === 1 ? 'command still waiting for a reply' : 'commands still waiting for a reply',
      };
    },
  };
}

/** An ioredis Cluster with thaw's defaults applied to every node connection. */
export function openCluster(
  name: string,
  ClusterClass: typeof Cluster,
  nodes: ClusterNode[],
  clusterOptions: Record<string, unknown>,
  options: ResolvedRedisOptions,
): PoolAdapter<Cluster> {
  const redisOptions = (clusterOptions['redisOptions'] ?? {}) as Record<string, unknown>;
  const cluster = new ClusterClass(nodes, {
    ...clusterOptions,
    lazyConnect: true,
    clusterRetryStrategy:
      clusterOptions['clusterRetryStrategy'] !== undefined
        ? (clusterOptions['clusterRetryStrategy'] as (times: number) => number)
        : backoff(options.retryDelayMaxMs),
    redisOptions: {
      connectTimeout: options.connectTimeout,
      commandTimeout: options.commandTimeout,
      maxRetriesPerRequest: options.maxRetriesPerRequest,
      autoResendUnfulfilledCommands: options.autoResendUnfulfilledCommands,
      ...redisOptions,
    },
  });
  const { logger } = options;
  let closing = false;
  let outage = false;
  cluster.on('error', (error: unknown) => {
    if (closing || outage) return;
    outage = true;
    logger.warn(`Pool "${name}" (redis cluster) lost a connection and keeps reconnecting: ${reason(error)}`);
  });
  cluster.on('ready', () => {
    outage = false;
  });
  const queues = cluster as unknown as { readonly offlineQueue: { readonly length: number } };
  return {
    resource: cluster,
    checkName: 'PING',
    verify: async () => {
      if (cluster.status === 'wait' || cluster.status === 'end') await cluster.connect();
      await cluster.ping();
    },
    warm: async () => {
      if (cluster.status === 'wait') await cluster.connect();
    },
    gauges: (): PoolGauges => {
      const connected = cluster.nodes('all').filter((node) => node.status === 'ready');
      const inFlight = connected.reduce((sum, node) => sum + node.commandQueue.length, 0);
      return {
        size: connected.length,
        idle: connected.filter((node) => node.commandQueue.length === 0).length,
        borrowed: inFlight,
        waiting: queues.offlineQueue.length,
        max: cluster.nodes('all').length,
        min: cluster.nodes('all').length,
      };
    },
    close: async (drainTimeoutMs) => {
      closing = true;
      if (cluster.status === 'end' || cluster.status === 'wait') {
        cluster.disconnect();
        return { leaked: 0, leakedWhat: 'commands still waiting for a reply' };
      }
      const quit = cluster.quit();
      quit.catch(() => undefined);
      const drained = await settlesWithin(quit, drainTimeoutMs);
      const leaked = drained
        ? 0
        : cluster.nodes('all').reduce((sum, node) => sum + node.commandQueue.length, 0);
      // QUIT resolves while the node connections are still closing; the pool is closed once they are.
      const ended = new Promise((resolve) => cluster.once('end', resolve));
      if (!drained || (cluster.status as string) !== 'end') {
        if (!(await settlesWithin(ended, drained ? 1_000 : 0))) cluster.disconnect();
        await settlesWithin(ended, 1_000);
      }
      return { leaked, leakedWhat: 'commands still waiting for a reply' };
    },
  };
}
