import { Agent, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startFixture, type FixtureProcess } from './support/fixture-process.ts';

type Outcome = 'complete' | 'refused' | 'lost';

describe('graceful shutdown under load', () => {
  let fixture: FixtureProcess | undefined;
  let agent: Agent | undefined;
  afterEach(async () => {
    agent?.destroy();
    await fixture?.stop();
  });

  it('answers every request that got a connection completely when SIGTERM arrives mid-load, runs the disposers in reverse order, then exits 0', async () => {
    fixture = startFixture('shutdown-load', { env: { HANDLER_MS: '5' } });
    const port = await fixture.port;
    agent = new Agent({ keepAlive: true, maxSockets: 50 });
    const totalRequests = 2_000;
    const clients = 50;
    const sigtermAfter = 600;
    const outcomes: Outcome[] = [];
    const failures: string[] = [];
    let issued = 0;
    let sigtermSent = false;

    const once = (): Promise<Outcome> =>
      new Promise((resolve) => {
        const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => {
            if (res.statusCode === 200 && body === 'ab-complete') resolve('complete');
            else {
              failures.push(`status ${res.statusCode} body ${JSON.stringify(body)}`);
              resolve('lost');
            }
          });
          res.on('error', (error) => {
            failures.push(`response error ${error.message}`);
            resolve('lost');
          });
        });
        req.on('error', (error: NodeJS.ErrnoException) => {
          // Refused means no connection was made: the listener was already closed.
          if (error.code === 'ECONNREFUSED') resolve('refused');
          else {
            failures.push(`${error.code ?? ''} ${error.message}`);
            resolve('lost');
          }
        });
        req.end();
      });

    const client = async (): Promise<void> => {
      while (issued < totalRequests) {
        issued += 1;
        const outcome = await once();
        outcomes.push(outcome);
        if (!sigtermSent && outcomes.length >= sigtermAfter) {
          sigtermSent = true;
          fixture!.child.kill('SIGTERM');
        }
        if (outcome === 'refused') return;
      }
    };
    await Promise.all(Array.from({ length: clients }, client));

    expect(sigtermSent).toBe(true);
    expect(failures).toEqual([]);
    expect(outcomes.filter((o) => o === 'lost')).toHaveLength(0);
    expect(outcomes.filter((o) => o === 'complete').length).toBeGreaterThanOrEqual(sigtermAfter);
    expect(await fixture.exited).toEqual({ code: 0, signal: null });
    expect(fixture.stdout()).toMatch(/disposed b\ndisposed a\nflushed\n/);
  });
});
