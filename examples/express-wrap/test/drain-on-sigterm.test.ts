import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { send, startFunction, type FunctionProcess } from '../../../test/support/function-process.ts';

const entry = join(import.meta.dirname, '..', 'src', 'server.ts');

let fn: FunctionProcess | undefined;

afterEach(async () => {
  await fn?.stop();
  fn = undefined;
});

it('finishes a request in flight when SIGTERM arrives, refuses new connections, and exits 0', async () => {
  fn = await startFunction([entry]);
  const { port } = fn;
  const item = JSON.stringify({ id: 'late', name: 'Arrives during shutdown', priceCents: 100 });

  // A POST whose body is only half sent: Express is still reading it when SIGTERM arrives.
  const inFlight = new Promise<{ status: number; body: string; connection: string | undefined }>(
    (resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/items',
          agent: false,
          headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(item)) },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection });
          });
        },
      );
      req.on('error', reject);
      req.write(item.slice(0, 10));
      req.once('socket', (socket) => {
        socket.once('connect', () => {
          // Give the server a moment to start handling the request, then stop the process.
          setTimeout(() => {
            fn?.child.kill('SIGTERM');
            setTimeout(() => {
              req.end(item.slice(10));
            }, 300);
          }, 200);
        });
      });
    },
  );

  const answer = await inFlight;
  expect(answer.status).toBe(201);
  expect(JSON.parse(answer.body)).toMatchObject({ id: 'late' });
  expect(answer.connection).toBe('close');
  await expect(send(port, { path: '/items' })).rejects.toThrow(/ECONNREFUSED/);
  expect((await fn.exited).code).toBe(0);
});
