import { describe, expect, it } from 'vitest';
import { simpleResponseKey } from '../process-keys.ts';
import { LightResponse } from './light-response.ts';

// Node's own class, read explicitly from the global object (the bare name may be the light one).
const NodeResponse = globalThis.Response;
type AnyResponse = typeof NodeResponse;
const Light = LightResponse as unknown as AnyResponse;

/** Runs `scenario` with Node's Response and with the light one; both must give the same outcome. */
async function sameAsNode(scenario: (Response: AnyResponse) => unknown): Promise<unknown> {
  const run = async (Response: AnyResponse): Promise<unknown> => {
    try {
      return { value: await scenario(Response) };
    } catch (error) {
      return { threw: (error as Error).constructor.name };
    }
  };
  const expected = await run(NodeResponse);
  expect(await run(Light)).toEqual(expected);
  return expected;
}

const describeResponse = async (response: Response): Promise<unknown> => ({
  status: response.status,
  ok: response.ok,
  statusText: response.statusText,
  type: response.type,
  url: response.url,
  redirected: response.redirected,
  headers: [...response.headers],
  text: await response.text(),
  bodyUsed: response.bodyUsed,
});

describe('light Response, compared with Node’s', () => {
  it('answers status, headers and body of string, bytes and empty bodies alike', async () => {
    await sameAsNode((Response) =>
      describeResponse(new Response('hi ☃', { status: 201, statusText: 'Made' })),
    );
    await sameAsNode((Response) => describeResponse(new Response(new Uint8Array([104, 105]))));
    await sameAsNode((Response) => describeResponse(new Response(null, { status: 404 })));
    await sameAsNode((Response) => describeResponse(new Response()));
    await sameAsNode((Response) =>
      describeResponse(new Response('x', { headers: { 'Content-Type': 'text/csv', 'X-A': '1' } })),
    );
  });

  it('reads a streamed body, and a body read twice fails', async () => {
    await sameAsNode(async (Response) => {
      const response = new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('one '));
            controller.enqueue(new TextEncoder().encode('two'));
            controller.close();
          },
        }),
      );
      return [await response.text(), response.bodyUsed];
    });
    expect(
      await sameAsNode(async (Response) => {
        const response = new Response('once');
        await response.text();
        return response.arrayBuffer();
      }),
    ).toEqual({ threw: 'TypeError' });
  });

  it('builds JSON and redirect responses like Node', async () => {
    await sameAsNode((Response) => describeResponse(Response.json({ a: [1, 'b'] }, { status: 202 })));
    await sameAsNode((Response) =>
      describeResponse(Response.json('x', { headers: { 'content-type': 'application/problem+json' } })),
    );
    await sameAsNode((Response) => describeResponse(Response.redirect('https://example.com/a b', 307)));
    const redirect = (Response: AnyResponse): ((url: string | URL, status?: number) => Response) =>
      Response.redirect.bind(Response) as (url: string | URL, status?: number) => Response;
    await sameAsNode((Response) => describeResponse(redirect(Response)(new URL('http://example.com/'))));
    expect(await sameAsNode((Response) => Response.json(undefined))).toEqual({ threw: 'TypeError' });
    expect(await sameAsNode((Response) => redirect(Response)('https://example.com/', 200))).toEqual({
      threw: 'RangeError',
    });
    expect(await sameAsNode((Response) => redirect(Response)('/relative'))).toEqual({ threw: 'TypeError' });
  });

  it('clones into two independent bodies', async () => {
    await sameAsNode(async (Response) => {
      const response = new Response('twice', { headers: { 'x-a': '1' } });
      const copy = response.clone();
      copy.headers.set('x-a', '2');
      return [await response.text(), await copy.text(), response.headers.get('x-a'), copy.headers.get('x-a')];
    });
    expect(
      await sameAsNode(async (Response) => {
        const response = new Response('gone');
        await response.text();
        return response.clone();
      }),
    ).toEqual({ threw: 'TypeError' });
  });

  it('refuses an invalid status, status text or a body on a null-body status', async () => {
    for (const bad of [
      (Response: AnyResponse) => new Response('x', { status: 199 }),
      (Response: AnyResponse) => new Response('x', { status: 600 }),
      (Response: AnyResponse) => new Response('x', { status: 204 }),
      (Response: AnyResponse) => new Response('', { status: 304 }),
      (Response: AnyResponse) => new Response('x', { statusText: 'bad\nline' }),
      (Response: AnyResponse) => new Response('x', { headers: { 'bad name': '1' } }),
    ]) {
      expect((await sameAsNode(bad)) as { threw?: string }).toHaveProperty('threw');
    }
    await sameAsNode((Response) => new Response(null, { status: 204 }).status);
  });

  it('takes Blob, URLSearchParams and FormData bodies through Node’s own class', async () => {
    await sameAsNode((Response) =>
      describeResponse(new Response(new Blob(['blob'], { type: 'text/x-blob' }))),
    );
    await sameAsNode((Response) => describeResponse(new Response(new URLSearchParams({ q: 'a b' }))));
  });

  it('keeps the simple form for the server until something needs Node’s class', async () => {
    const response = new LightResponse('fast', { headers: { 'x-a': '1' } });
    response.headers.set('x-b', '2');
    expect(response[simpleResponseKey]()).toMatchObject({ status: 200, body: 'fast' });
    expect(response[simpleResponseKey]()?.headers.get('x-b')).toBe('2');
    await response.text();
    expect(response[simpleResponseKey]()).toBeUndefined();
  });

  it('is instanceof Response for light and Node instances; subclasses work', async () => {
    expect(new LightResponse('x') instanceof LightResponse).toBe(true);
    expect(new NodeResponse('x') instanceof LightResponse).toBe(true);
    class Custom extends LightResponse {
      get kind(): string {
        return 'custom';
      }
    }
    const custom = new Custom('sub', { status: 203 });
    expect([custom.kind, custom.status, await custom.text()]).toEqual(['custom', 203, 'sub']);
    const streamed = new Custom(new Blob(['b']));
    expect([streamed.kind, streamed.status, await streamed.text()]).toEqual(['custom', 200, 'b']);
  });
});
