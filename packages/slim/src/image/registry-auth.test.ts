import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryAuth } from './registry-auth.ts';

const credentials = { username: 'robot', password: 'pa55' };

function challenge(realm: string): Response {
  return new Response(null, {
    status: 401,
    headers: { 'www-authenticate': `Bearer realm="${realm}",service="svc",scope="repository:a:pull"` },
  });
}

describe('RegistryAuth against a token service', () => {
  let server: Server;
  let realm: string;
  const seen: IncomingHttpHeaders[] = [];
  const urls: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      urls.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ access_token: `token-${seen.length}` }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    realm = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/token`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('asks the realm for the call scopes with Basic credentials and then sends the token', async () => {
    const auth = new RegistryAuth({
      registry: '127.0.0.1:5000',
      plainHttp: true,
      credentials,
      requestTimeoutMs: 5000,
      fetch,
    });
    const scopes = ['repository:fn:pull,push', 'repository:base:pull'];
    expect(auth.header(scopes)).toBeUndefined();
    expect(await auth.answer(challenge(realm), scopes, 'img')).toBe(true);
    expect(urls.at(-1)).toBe(
      '/token?service=svc&scope=repository%3Afn%3Apull%2Cpush&scope=repository%3Abase%3Apull',
    );
    expect(seen.at(-1)?.authorization).toBe(`Basic ${Buffer.from('robot:pa55').toString('base64')}`);
    expect(auth.header(scopes)).toBe(`Bearer token-${seen.length}`);
    expect(auth.header(['repository:other:pull'])).toBeUndefined();
  });

  it('does not send credentials to a plain-HTTP realm of a registry reached over HTTPS', async () => {
    const auth = new RegistryAuth({
      registry: 'registry.example.com',
      plainHttp: false,
      credentials,
      requestTimeoutMs: 5000,
      fetch,
    });
    expect(await auth.answer(challenge(realm), ['repository:a:pull'], 'img')).toBe(true);
    expect(seen.at(-1)?.authorization).toBeUndefined();
  });

  it('retries a Basic challenge once, and only with credentials', async () => {
    const basic = (): Response =>
      new Response(null, { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } });
    const anonymous = new RegistryAuth({
      registry: 'r',
      plainHttp: true,
      credentials: undefined,
      requestTimeoutMs: 5000,
      fetch,
    });
    expect(await anonymous.answer(basic(), [], 'img')).toBe(false);
    const auth = new RegistryAuth({
      registry: 'r',
      plainHttp: true,
      credentials,
      requestTimeoutMs: 5000,
      fetch,
    });
    expect(await auth.answer(basic(), [], 'img')).toBe(true);
    expect(auth.header([])).toBe(`Basic ${Buffer.from('robot:pa55').toString('base64')}`);
    expect(await auth.answer(basic(), [], 'img')).toBe(false);
  });
});
