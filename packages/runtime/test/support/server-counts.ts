import pg from 'pg';
import { Redis } from 'ioredis';

// Server-side truth for leak checks: what the server itself counts, not what the pool believes.

/** Connections open on the server with that `application_name` (the caller's own is not counted). */
export async function pgConnections(url: string, applicationName: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(
      'SELECT count(*)::text AS count FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
      [applicationName],
    );
    return Number(rows[0]?.count ?? 0);
  } finally {
    await client.end();
  }
}

/** Terminates every backend with that `application_name`; resolves how many were terminated. */
export async function pgTerminate(url: string, applicationName: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(
      'SELECT count(pg_terminate_backend(pid))::text AS count FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
      [applicationName],
    );
    return Number(rows[0]?.count ?? 0);
  } finally {
    await client.end();
  }
}

async function withAdmin<T>(url: string, run: (admin: Redis) => Promise<T>): Promise<T> {
  const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    return await run(admin);
  } finally {
    admin.disconnect();
  }
}

/** Connections open on the Redis server with that client name. */
export function redisConnections(url: string, connectionName: string): Promise<number> {
  return withAdmin(url, async (admin) => {
    const list = (await admin.call('CLIENT', 'LIST')) as string;
    return list.split('\n').filter((line) => line.includes(` name=${connectionName} `)).length;
  });
}

/** Kills every Redis connection with that client name; resolves how many were killed. */
export function redisKill(url: string, connectionName: string): Promise<number> {
  return withAdmin(url, async (admin) => {
    const list = (await admin.call('CLIENT', 'LIST')) as string;
    const ids = list
      .split('\n')
      .filter((line) => line.includes(` name=${connectionName} `))
      .map((line) => /\bid=(\d+)/.exec(line)?.[1])
      .filter((id): id is string => id !== undefined);
    for (const id of ids) await admin.call('CLIENT', 'KILL', 'ID', id);
    return ids.length;
  });
}

/** Polls `check` every 50 ms until it is true or `timeoutMs` has passed; resolves whether it became true. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
