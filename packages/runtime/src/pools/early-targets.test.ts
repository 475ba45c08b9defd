import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { pgTarget, redisTarget } from './early-targets.ts';

describe('pgTarget', () => {
  const configs: Record<string, unknown>[] = [
    { connectionString: 'postgres://app@db.internal:6432/orders' },
    { connectionString: 'postgresql://app:secret@127.0.0.1/orders?sslmode=disable' },
    { connectionString: 'postgres://app@db.internal/orders', port: 7000 },
    { host: '10.0.0.5', port: 5433, user: 'app' },
    { host: 'db.internal', port: '5434' },
    { user: 'app' },
  ];

  it.each(configs)('agrees with pg on where %j connects', (config) => {
    const client = new pg.Client({ ...config, connection: {} } as pg.ClientConfig);
    expect(pgTarget(config, {})).toEqual({ host: client.host, port: client.port });
  });

  it('reads PGHOST and PGPORT when the config names no server', () => {
    expect(pgTarget({ user: 'app' }, { PGHOST: 'db.env', PGPORT: '6000' })).toEqual({
      host: 'db.env',
      port: 6000,
    });
  });

  it('leaves Unix sockets, host lists, IPv6 literals, query hosts and custom streams to pg', () => {
    for (const config of [
      { host: '/var/run/postgresql' },
      { connectionString: 'postgres://app@/orders?host=/var/run/postgresql' },
      { connectionString: 'socket:/var/run/postgresql?db=orders' },
      { connectionString: 'postgres://app@a.internal,b.internal/orders' },
      { connectionString: 'postgres://app@[::1]:5432/orders' },
      { host: '127.0.0.1', stream: () => undefined },
    ]) {
      expect(pgTarget(config, {}), JSON.stringify(config)).toBeUndefined();
    }
  });
});

describe('redisTarget', () => {
  it('reads a redis:// URL and its defaults', () => {
    expect(redisTarget('redis://127.0.0.1:6380/2', {})).toEqual({ host: '127.0.0.1', port: 6380 });
    expect(redisTarget('redis://:secret@cache.internal', {})).toEqual({ host: 'cache.internal', port: 6379 });
  });

  it('reads host and port options, with ioredis defaults', () => {
    expect(redisTarget(undefined, { host: 'cache.internal', port: 7000 })).toEqual({
      host: 'cache.internal',
      port: 7000,
    });
    expect(redisTarget(undefined, {})).toEqual({ host: 'localhost', port: 6379 });
  });

  it('leaves TLS, Unix sockets, sentinels and custom connectors to ioredis', () => {
    expect(redisTarget('rediss://cache.internal:6380', {})).toBeUndefined();
    expect(redisTarget(undefined, { path: '/run/redis.sock' })).toBeUndefined();
    expect(redisTarget(undefined, { tls: {} })).toBeUndefined();
    expect(redisTarget(undefined, { sentinels: [{ host: 's', port: 26379 }] })).toBeUndefined();
  });
});
