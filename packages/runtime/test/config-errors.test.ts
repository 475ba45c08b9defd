import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, init, serve, ThawError, type Handler } from '../src/index.ts';
import { closeServer } from './support/fixture-process.ts';
import { resetRuntimeState } from './support/in-process.ts';

describe('configuration errors', () => {
  let occupier: Server | undefined;
  afterEach(async () => {
    await closeServer(occupier);
    occupier = undefined;
    resetRuntimeState();
  });

  const quiet = {
    handleSignals: false,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  };

  it('a non-numeric PORT is rejected, naming PORT and what is allowed', () => {
    expect(() => serve(() => new Response(), { ...quiet, env: { PORT: '80a' } })).toThrow(
      'Invalid PORT environment variable: received "80a"; expected an integer from 0 to 65535, or PORT unset for 8080.',
    );
    expect(() => serve(() => new Response(), { ...quiet, port: 70_000 })).toThrow(ConfigError);
  });

  it('a port in use rejects `ready` with THAW_PORT_IN_USE and says how to fix it', async () => {
    occupier = createServer();
    await new Promise<void>((resolve) => occupier!.listen(0, '127.0.0.1', resolve));
    const { port } = occupier.address() as { port: number };
    const handle = serve(() => new Response(), { ...quiet, port, host: '127.0.0.1' });
    const error = await handle.ready.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'THAW_PORT_IN_USE' });
    expect((error as Error).message).toBe(
      `Port ${port} on 127.0.0.1 is already in use. Stop the process using it, or set PORT (or the port option) to a free port.`,
    );
  });

  it('a handler that is not a function is rejected with THAW_HANDLER_INVALID', () => {
    const call = (): unknown => serve('hello' as unknown as Handler, quiet);
    expect(call).toThrow(ThawError);
    expect(call).toThrow(
      /serve\(\) needs a function \(request, ctx\) => Response, fromNodeListener\(app\) or cloudEvent\(fn\), but received string/,
    );
  });

  it('an initializer name used twice is rejected with THAW_INIT_DUPLICATE', () => {
    init('db', () => 1);
    const again = (): unknown => init('db', () => 2);
    expect(again).toThrow(expect.objectContaining({ code: 'THAW_INIT_DUPLICATE' }) as Error);
    expect(again).toThrow('An initializer named "db" already exists. Give each init() a unique name');
  });

  it('an unknown `when` is rejected naming the initializer and the allowed values', () => {
    expect(() => init('cache', () => 1, { when: 'eager' as 'critical' })).toThrow(
      `Invalid init("cache") when: received "eager"; expected 'critical', 'background' or 'on-demand'.`,
    );
  });
});
