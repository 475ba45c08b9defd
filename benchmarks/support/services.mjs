// Whether the PostgreSQL and Redis that order-risk needs answer, checked with a real query
// (SELECT 1, PING) so that a wrong password or database is caught too, not only a closed port.
// Used by the order-risk benchmarks' prepare scripts and by the demo, which must say what is
// missing and how to start it instead of failing with a stack trace.
import pg from 'pg';
import { Redis } from 'ioredis';

export const defaultDatabaseUrl = 'postgres://postgres@127.0.0.1:5432/test';
export const defaultRedisUrl = 'redis://127.0.0.1:6379';

/** A URL with its password masked, safe to print. */
export function maskUrl(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

async function checkPostgres(url, timeoutMs) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkRedis(url, timeoutMs) {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // ioredis rejects connect() with "Connection is closed."; the socket's own error says why.
  let socketError;
  client.on('error', (error) => {
    socketError ??= error;
  });
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (error) {
    const cause = socketError ?? error;
    return cause instanceof Error ? cause.message : String(cause);
  } finally {
    client.disconnect();
  }
}

/**
 * Checks both services. Resolves with one entry per service: `{ name, url, ok, problem, howToStart }`.
 */
export async function checkServices(env = process.env, timeoutMs = 2000) {
  const databaseUrl = env.DATABASE_URL ?? defaultDatabaseUrl;
  const redisUrl = env.REDIS_URL ?? defaultRedisUrl;
  const [pgProblem, redisProblem] = await Promise.all([
    checkPostgres(databaseUrl, timeoutMs),
    checkRedis(redisUrl, timeoutMs),
  ]);
  return [
    {
      name: 'PostgreSQL',
      variable: 'DATABASE_URL',
      url: maskUrl(databaseUrl),
      ok: pgProblem === null,
      problem: pgProblem,
      howToStart:
        'start it (Debian/Ubuntu: `sudo pg_ctlcluster <version> main start`; or ' +
        '`docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=test postgres`) ' +
        'or point DATABASE_URL at one',
    },
    {
      name: 'Redis',
      variable: 'REDIS_URL',
      url: maskUrl(redisUrl),
      ok: redisProblem === null,
      problem: redisProblem,
      howToStart:
        'start it (`redis-server --daemonize yes`; or `docker run -d -p 6379:6379 redis`) or point REDIS_URL at one',
    },
  ];
}

/** One line per unreachable service: what failed and how to start it. */
export function describeMissing(services) {
  return services
    .filter((service) => !service.ok)
    .map(
      (service) =>
        `${service.name} is not reachable at ${service.url} (${service.problem ?? 'no answer'}): ${service.howToStart}.`,
    );
}

/**
 * Exits 1 naming each unreachable service and how to start it, unless PostgreSQL and Redis both
 * answer; `who` starts the message ("order-risk needs PostgreSQL and Redis.").
 */
export async function exitUnlessServices(who) {
  const missing = describeMissing(await checkServices());
  if (missing.length > 0) {
    process.stderr.write(`${who} needs PostgreSQL and Redis.\n${missing.join('\n')}\n`);
    process.exit(1);
  }
}
