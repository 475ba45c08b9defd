import { afterEach, describe, expect, it } from 'vitest';
import {
  freePort,
  get,
  startFixture,
  type FixtureProcess,
  type FullResponse,
} from './support/fixture-process.ts';

describe('readiness ordering', () => {
  let fixture: FixtureProcess | undefined;
  afterEach(async () => {
    await fixture?.stop();
  });

  it('answers /healthz 200 at once and /readyz 503 until a 300 ms critical init is done, then 200', async () => {
    const port = await freePort();
    fixture = startFixture('critical-init', { env: { CRITICAL_DELAY_MS: '300', PORT: String(port) } });
    // Probe from before the port listens, so the first answer comes the moment it does.
    let first: FullResponse | undefined;
    while (first === undefined) {
      first = await get(port, '/readyz').catch(async () => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        return undefined;
      });
    }
    expect((await get(port, '/healthz')).status).toBe(200);
    expect(first.status).toBe(503);
    expect(JSON.parse(first.body)).toMatchObject({
      status: 'starting',
      initializers: [{ name: 'config', when: 'critical', state: 'pending' }],
    });
    const statuses: number[] = [first.status];
    while (statuses.at(-1) !== 200 && statuses.length < 500) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      statuses.push((await get(port, '/readyz')).status);
    }
    expect(statuses.at(-1)).toBe(200);
    // Once ready it stays ready: no 503 after the first 200.
    expect(statuses.indexOf(200)).toBe(statuses.length - 1);
    expect((await get(port, '/healthz')).status).toBe(200);
    expect((await get(port, '/')).body).toBe('hello');
  });
});
