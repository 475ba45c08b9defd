import { endpointOf, isListening, services } from './services.ts';

/**
 * Vitest global setup: the integration suites need the real PostgreSQL and Redis. Fail once,
 * clearly, instead of letting every test time out against a closed port.
 */
export default async function setup(): Promise<void> {
  const checks = [
    { name: 'PostgreSQL', url: services.postgresUrl, port: 5432, env: 'DATABASE_URL' },
    { name: 'Redis', url: services.redisUrl, port: 6379, env: 'REDIS_URL' },
  ];
  const down: string[] = [];
  for (const check of checks) {
    const { host, port } = endpointOf(check.url, check.port);
    if (!(await isListening(host, port))) {
      down.push(
        `${check.name} does not answer at ${host}:${port} (set ${check.env}, or start it: see README "Running the tests")`,
      );
    }
  }
  if (down.length > 0) throw new Error(down.join('\n'));
}
