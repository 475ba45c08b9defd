// The queue-proxy-style prober after ready: it goes on for its window after the first response,
// and a probe the process cannot answer within 100 ms then (its event loop busy with work it put
// off until after that response) is counted there, apart from the probes before the response.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { exchange } from '../../src/knative/exchange.ts';
import { watchAfterReady } from '../../src/knative/prober.ts';

// /readyz answers at once; 300 ms after its first response to `/` the process blocks its event
// loop for BLOCK_MS, as a deferred SDK load evaluating a module graph would.
const server = `
const http = require('node:http');
let blocked = false;
const server = http.createServer((req, res) => {
  if (req.url === '/readyz') return res.end('ok');
  res.end('hello');
  if (blocked || process.env.BLOCK_MS === '0') return;
  blocked = true;
  setTimeout(() => {
    const until = Date.now() + Number(process.env.BLOCK_MS);
    while (Date.now() < until);
  }, 300);
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
});

async function start(blockMs: number): Promise<number> {
  const child = spawn(process.execPath, ['-e', server], {
    env: { ...process.env, BLOCK_MS: String(blockMs) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  return Number(line.toString().trim());
}

async function firstResponse(port: number, watch: ReturnType<typeof watchAfterReady>): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 200));
  const response = await exchange({ port, method: 'GET', path: '/', timeoutMs: 5000 });
  expect(response.status).toBe(200);
  watch.responded();
}

describe('probes after the first response', () => {
  it('go on for the window after the first response, counted apart from those before it', async () => {
    const port = await start(0);
    const watch = watchAfterReady({ port, probe: { httpGet: { path: '/readyz' } }, windowMs: 1000 });
    await firstResponse(port, watch);
    const { beforeResponse, afterResponse } = await watch.finish();
    expect(beforeResponse.attempts).toBeGreaterThanOrEqual(2);
    expect(beforeResponse.timeouts + beforeResponse.failures).toBe(0);
    expect(afterResponse.windowMs).toBe(1000);
    expect(afterResponse.probedMs).toBeGreaterThanOrEqual(1000);
    // Every 50 ms for a second: about 20 (fewer if the machine is slow, never far more).
    expect(afterResponse.attempts).toBeGreaterThanOrEqual(10);
    expect(afterResponse.attempts).toBeLessThanOrEqual(22);
    expect(afterResponse.timeouts + afterResponse.failures).toBe(0);
    expect(afterResponse.timeoutsAtMs).toEqual([]);
  });

  it('counts a probe that times out in the window after the first response, with when it started', async () => {
    const port = await start(400);
    const watch = watchAfterReady({ port, probe: { httpGet: { path: '/readyz' } }, windowMs: 1500 });
    await firstResponse(port, watch);
    const { beforeResponse, afterResponse } = await watch.finish();
    expect(beforeResponse.timeouts).toBe(0);
    expect(afterResponse.timeouts).toBeGreaterThanOrEqual(1);
    expect(afterResponse.timeoutsAtMs).toHaveLength(afterResponse.timeouts);
    // The block starts 300 ms after the response and lasts 400 ms; a probe that started in it
    // (or up to 100 ms before it) timed out.
    for (const at of afterResponse.timeoutsAtMs) {
      expect(at).toBeGreaterThanOrEqual(150);
      expect(at).toBeLessThan(900);
    }
    // Probing went on after the block: the window is not cut short by a timeout.
    expect(afterResponse.probedMs).toBeGreaterThanOrEqual(1500);
  });

  it('ends the window early when told to stop (the container exited)', async () => {
    const port = await start(0);
    const watch = watchAfterReady({ port, probe: { tcpSocket: true }, windowMs: 60_000 });
    await firstResponse(port, watch);
    const started = performance.now();
    const { afterResponse } = await watch.finish(new Promise((resolve) => setTimeout(resolve, 200)));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(afterResponse.attempts).toBeGreaterThanOrEqual(1);
  });
});
