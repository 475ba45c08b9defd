import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './support/dev-harness.ts';

// What `thaw invoke` puts on the wire, seen by a server that records each request and answers
// what the test tells it to: the method, path, headers and body of a plain request, and the
// CloudEvent attributes (defaulted or given) in binary and structured mode.
interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

let server: Server;
let target = '';
const received: Received[] = [];
let answer: { status: number; headers: Record<string, string>; body: string } = {
  status: 200,
  headers: {},
  body: '',
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(answer.status, answer.headers).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** thaw invoke run to completion without blocking this process (the server answers it). */
function invoke(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [main, 'invoke', '--target', target, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('close', (status) => {
      resolve({ status, stdout, stderr });
    });
  });
}

async function last(args: readonly string[]): Promise<Received> {
  const before = received.length;
  const result = await invoke(args);
  expect(result.stderr).toBe('');
  expect(received).toHaveLength(before + 1);
  return received.at(-1) as Received;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('thaw invoke sends the request it is asked for', () => {
  it('a plain GET by default, then the method, path with query, headers and body given', async () => {
    answer = { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' };
    const plain = await last([]);
    expect([plain.method, plain.url, plain.body]).toEqual(['GET', '/', '']);

    const put = await last([
      '/orders/7?dry=1',
      '-X',
      'put',
      '-H',
      'X-Request-Id: abc',
      '--header',
      'Authorization: Bearer t',
      '--data',
      '{"qty":2}',
    ]);
    expect([put.method, put.url, put.body]).toEqual(['PUT', '/orders/7?dry=1', '{"qty":2}']);
    expect(put.headers).toMatchObject({
      'x-request-id': 'abc',
      authorization: 'Bearer t',
      'content-type': 'application/json',
    });

    const text = await last(['--data', 'hello']);
    expect([text.method, text.headers['content-type'], text.body]).toEqual([
      'POST',
      'text/plain; charset=utf-8',
      'hello',
    ]);
    const typed = await last(['--data', 'a=1', '--content-type', 'application/x-www-form-urlencoded']);
    expect(typed.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('a binary CloudEvent with type, source and id defaulted, or as given', async () => {
    answer = { status: 202, headers: {}, body: '' };
    const defaulted = await last(['--event']);
    expect(defaulted.method).toBe('POST');
    expect(defaulted.headers).toMatchObject({
      'ce-specversion': '1.0',
      'ce-type': 'thaw.invoke',
      'ce-source': '/thaw/invoke',
    });
    expect(defaulted.headers['ce-id']).toMatch(uuid);
    expect(defaulted.body).toBe('');

    const given = await last([
      '--event',
      '--type',
      'com.example.order',
      '--source',
      '/shop',
      '--id',
      'order-1',
      '--data',
      '{"n":1}',
    ]);
    expect(given.headers).toMatchObject({
      'ce-type': 'com.example.order',
      'ce-source': '/shop',
      'ce-id': 'order-1',
      'content-type': 'application/json',
    });
    expect(given.body).toBe('{"n":1}');
  });

  it('a structured CloudEvent: the whole event as application/cloudevents+json', async () => {
    const json = await last(['--event', '--mode', 'structured', '--data', '{"n":1}']);
    expect(json.headers['content-type']).toBe('application/cloudevents+json');
    const event = JSON.parse(json.body) as Record<string, unknown>;
    expect(event).toMatchObject({
      specversion: '1.0',
      type: 'thaw.invoke',
      source: '/thaw/invoke',
      datacontenttype: 'application/json',
      data: { n: 1 },
    });
    expect(event['id']).toMatch(uuid);
    const text = JSON.parse((await last(['--event', '--mode', 'structured', '--data', 'hi'])).body) as object;
    expect(text).toMatchObject({ datacontenttype: 'text/plain; charset=utf-8', data: 'hi' });
    const bytes = JSON.parse(
      (
        await last([
          '--event',
          '--mode',
          'structured',
          '--data',
          'AB',
          '--content-type',
          'application/octet-stream',
        ])
      ).body,
    ) as object;
    expect(bytes).toMatchObject({ datacontenttype: 'application/octet-stream', data_base64: 'QUI=' });
  });

  it('shows a structured reply as an event, and exits by the status: 0 below 400, 1 from 400', async () => {
    answer = {
      status: 200,
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({
        specversion: '1.0',
        id: 'r-1',
        type: 'reply',
        source: '/fn',
        data: { ok: true },
      }),
    };
    const reply = await invoke(['--event']);
    expect(reply.status).toBe(0);
    expect(reply.stdout).toContain('Reply event:\n  specversion: 1.0\n  id: r-1\n  type: reply\n');
    expect(reply.stdout).toContain('"ok": true');
    for (const [status, code] of [
      [204, 0],
      [302, 0],
      [404, 1],
      [503, 1],
    ] as const) {
      answer = { status, headers: {}, body: '' };
      expect({ status, code: (await invoke([])).status }).toEqual({ status, code });
    }
  });

  it('refuses, with exit 2 and no request sent, data that says it is JSON and is not', async () => {
    const before = received.length;
    const bad = await invoke([
      '--event',
      '--mode',
      'structured',
      '--data',
      '{oops',
      '--content-type',
      'application/json',
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(
      /^thaw invoke: The data is not JSON \(.+\), but its Content-Type is application\/json/,
    );
    expect(await invoke(['--event', '-X', 'GET'])).toMatchObject({ status: 2 });
    expect(await invoke(['-H', 'no colon'])).toMatchObject({ status: 2 });
    expect(received).toHaveLength(before);
  });
});
