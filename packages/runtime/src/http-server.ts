// The node:http server with the timeouts serve() is configured with, and binding it to its port
// with errors that say what to do.
import type { Server } from 'node:http';
import { ThawError } from './errors.ts';
import type { ResolvedServeOptions } from './options.ts';
import type { ServerAddress } from './server-state.ts';

// Not `import … from 'node:http'`: an ES import of a builtin builds a namespace of all its
// exports, which runs node:http's lazy WebSocket/CloseEvent/MessageEvent getters and so loads
// Node's whole fetch implementation (some 20 ms of CPU at startup); the CommonJS object does not.
const { createServer } = process.getBuiltinModule('node:http');

/** A server with the header, request and keep-alive timeouts of `options`. */
export function createHttpServer(
  options: Pick<ResolvedServeOptions, 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs'>,
): Server {
  const server = createServer({
    headersTimeout: options.headersTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    connectionsCheckingInterval: checkingIntervalMs(options.headersTimeoutMs, options.requestTimeoutMs),
  });
  server.keepAliveTimeout = options.keepAliveTimeoutMs;
  return server;
}

// Node checks the header and request timeouts on an interval (30 s by default), so a limit fires
// up to one interval late; a quarter of the shorter limit keeps the overrun small.
function checkingIntervalMs(headersTimeoutMs: number, requestTimeoutMs: number): number {
  const shortest = requestTimeoutMs === 0 ? headersTimeoutMs : Math.min(headersTimeoutMs, requestTimeoutMs);
  return Math.min(30_000, Math.max(50, Math.floor(shortest / 4)));
}

/** Binds `server` to `host:port`; resolves with the bound address. */
export function listen(server: Server, port: number, host: string): Promise<ServerAddress> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(listenError(error, port, host));
    };
    const onListening = (): void => {
      server.off('error', onError);
      const bound = server.address();
      // Always an AddressInfo for a TCP listen; the string form is for pipes and sockets.
      if (bound === null || typeof bound === 'string') resolve({ host, port });
      else resolve({ host: bound.address, port: bound.port });
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function listenError(error: NodeJS.ErrnoException, port: number, host: string): ThawError {
  if (error.code === 'EADDRINUSE') {
    return new ThawError(
      'THAW_PORT_IN_USE',
      `Port ${port} on ${host} is already in use. Stop the process using it, or set PORT (or the port option) to a free port.`,
      { cause: error },
    );
  }
  return new ThawError('THAW_CONFIG_INVALID', `Could not listen on ${host}:${port}: ${error.message}`, {
    cause: error,
  });
}
