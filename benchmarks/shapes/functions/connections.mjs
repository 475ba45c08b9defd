// Where the shapes' PostgreSQL and Redis are, and the key they read (read-only: concurrent runs
// share nothing they could disturb).
export const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const greetingKey = 'thaw-benchmarks:shapes:greeting';
