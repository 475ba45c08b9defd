// Where a pool's first connection goes, read from its configuration before the driver has loaded,
// so the early socket (early-socket.ts) can be opened first. A best guess by the driver's rules:
// each adapter checks it against the driver's own resolution once loaded, and drops the early
// socket when they differ. Unix sockets, TLS-first Redis, sentinels and custom streams get none.
import type { SocketTarget } from './early-socket.ts';

type Config = Readonly<Record<string, unknown>>;

/**
 * The PostgreSQL server a `pg` config connects to, when it is a TCP host and port.
 *
 * @example
 * ```ts
 * pgTarget({ connectionString: 'postgres://app@db.internal:6432/orders' }); // { host: 'db.internal', port: 6432 }
 * ```
 */
export function pgTarget(config: Config, env: NodeJS.ProcessEnv = process.env): SocketTarget | undefined {
  if (config['stream'] !== undefined) return undefined;
  const connectionString = config['connectionString'];
  if (typeof connectionString === 'string' && connectionString !== '') {
    const url = parsedUrl(connectionString, ['postgres:', 'postgresql:']);
    if (url === undefined || url.searchParams.has('host') || url.searchParams.has('port')) return undefined;
    return tcpTarget(decodeURIComponent(url.hostname), url.port === '' ? 5432 : url.port);
  }
  const host = config['host'] ?? nonEmpty(env['PGHOST']) ?? 'localhost';
  const port = config['port'] ?? nonEmpty(env['PGPORT']) ?? 5432;
  return typeof host === 'string' ? tcpTarget(host, port) : undefined;
}

/**
 * The Redis server an ioredis standalone config connects to, when it is plain TCP.
 *
 * @example
 * ```ts
 * redisTarget('redis://127.0.0.1:6379', {}); // { host: '127.0.0.1', port: 6379 }
 * ```
 */
export function redisTarget(url: string | undefined, options: Config): SocketTarget | undefined {
  for (const key of ['path', 'tls', 'sentinels', 'nodes', 'Connector']) {
    if (options[key] !== undefined) return undefined;
  }
  if (url !== undefined) {
    const parsed = parsedUrl(url, ['redis:']);
    if (parsed === undefined) return undefined;
    return tcpTarget(
      options['host'] ?? (parsed.hostname === '' ? 'localhost' : parsed.hostname),
      options['port'] ?? (parsed.port === '' ? 6379 : parsed.port),
    );
  }
  return tcpTarget(options['host'] ?? 'localhost', options['port'] ?? 6379);
}

function parsedUrl(text: string, protocols: readonly string[]): URL | undefined {
  if (!URL.canParse(text)) return undefined;
  const url = new URL(text);
  return protocols.includes(url.protocol) ? url : undefined;
}

// An IPv6 literal, a list of hosts or a socket path is left to the driver alone.
function tcpTarget(host: unknown, port: unknown): SocketTarget | undefined {
  if (typeof host !== 'string' || host === '' || /[/,[\]:%]/.test(host)) return undefined;
  const number = typeof port === 'string' && /^\d+$/.test(port) ? Number(port) : port;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > 65_535)
    return undefined;
  return { host, port: number };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
