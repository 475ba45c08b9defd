import diagnostics from 'node:diagnostics_channel';
import { createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { services } from '../../../../test/support/services.ts';
import { drainPools, pools } from '../../src/pools/index.ts';
import { redisTarget } from '../support/redis-target.ts';

// Every TCP client socket the process opens while a test runs, in order.
let opened: Socket[] = [];
const record = (message: unknown): void => {
  opened.push((message as { socket: Socket }).socket);
};

async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A pool created against a closed port fails its check and leaves no socket it opened open. */
async function expectRefusedCheckLeavesNoSocket(create: (port: number) => Promise<unknown>): Promise<void> {
  const port = await closedPort();
  const error = await create(port).catch((caught: unknown) => caught);
  expect((error as Error).message).toContain('ECONNREFUSED');
  await drainPools();
  await settle(50);
  expect(opened.length).toBeGreaterThan(0);
  expect(opened.every((socket) => socket.destroyed)).toBe(true);
}

describe('early connections of pools', () => {
  beforeEach(() => {
    opened = [];
    diagnostics.subscribe('net.client.socket', record);
  });

  afterEach(async () => {
    diagnostics.unsubscribe('net.client.socket', record);
    await drainPools();
  });

  it("pools.pg's first client runs its check on the connection opened before pg was loaded", async () => {
    const pending = pools.pg('early-pg', { connectionString: services.postgresUrl, warm: false });
    // Opened within the call itself, before pg is (re)loaded or any client exists.
    expect(opened).toHaveLength(1);
    const pool = await pending;
    expect(opened).toHaveLength(1);
    const clients = (pool as unknown as { _clients: { connection: { stream: Socket } }[] })._clients;
    expect(clients[0]?.connection.stream).toBe(opened[0]);
    const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
    expect(rows[0]?.one).toBe(1);
  });

  it('pools.pg connects as before with earlyConnect off', async () => {
    const pending = pools.pg('late-pg', {
      connectionString: services.postgresUrl,
      warm: false,
      earlyConnect: false,
    });
    expect(opened).toHaveLength(0);
    const pool = await pending;
    expect(opened).toHaveLength(1);
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
  });

  it('pools.pg leaves no socket open when its check fails', async () => {
    await expectRefusedCheckLeavesNoSocket((port) =>
      pools.pg('early-pg-refused', { host: '127.0.0.1', port, user: 'x', checkTimeoutMs: 2_000 }),
    );
  });

  it('pools.pg destroys the early connection when the pool closes before adopting it', async () => {
    await pools.pg('early-pg-unused', { connectionString: services.postgresUrl, check: false, warm: false });
    expect(opened).toHaveLength(1);
    expect(opened[0]!.destroyed).toBe(false);
    await drainPools();
    expect(opened[0]!.destroyed).toBe(true);
  });

  it("pools.redis's client uses the connection opened before ioredis was loaded", async () => {
    const pending = pools.redis('early-redis', { ...redisTarget(services.redisUrl), warm: false });
    expect(opened).toHaveLength(1);
    const client = await pending;
    expect(opened).toHaveLength(1);
    expect((client as unknown as { stream: Socket }).stream).toBe(opened[0]);
    expect(await client.ping()).toBe('PONG');
  });

  it('pools.redis leaves no socket open when its check fails', async () => {
    await expectRefusedCheckLeavesNoSocket((port) =>
      pools.redis('early-redis-refused', {
        host: '127.0.0.1',
        port,
        checkTimeoutMs: 2_000,
        logger: { warn: () => {} },
      }),
    );
  });

  it('pools.redis destroys the early connection when the client closes before using it', async () => {
    await pools.redis('early-redis-unused', { ...redisTarget(services.redisUrl), check: false, warm: false });
    expect(opened).toHaveLength(1);
    await drainPools();
    expect(opened[0]!.destroyed).toBe(true);
  });
});
