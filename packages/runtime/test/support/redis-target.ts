/** Host and port of a `redis://` URL, as ioredis options. */
export function redisTarget(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname || '127.0.0.1', port: parsed.port === '' ? 6379 : Number(parsed.port) };
}
