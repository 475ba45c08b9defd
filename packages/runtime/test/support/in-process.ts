import { resetInitializersForTesting } from '../../src/init-registry.ts';
import { resetLifecycleForTesting } from '../../src/lifecycle.ts';
import type { Handler, Logger, ServeOptions, ServerHandle } from '../../src/index.ts';
import { serve } from '../../src/index.ts';

/** A server started in the test process, on a free loopback port, with its log lines kept. */
export interface TestServer {
  readonly handle: ServerHandle;
  readonly port: number;
  readonly logs: Array<{ level: string; message: string; fields: Record<string, unknown> | undefined }>;
}

/** serve() for tests: port 0 on loopback, no signal handlers, no report line, logs captured. */
export async function startServer(handler: Handler, options: ServeOptions = {}): Promise<TestServer> {
  const logs: TestServer['logs'] = [];
  const record =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      logs.push({ level, message, fields });
    };
  const logger: Logger = { info: record('info'), warn: record('warn'), error: record('error') };
  const handle = serve(handler, {
    port: 0,
    host: '127.0.0.1',
    handleSignals: false,
    startupReport: 'off',
    logger,
    env: {},
    ...options,
  });
  const { port } = await handle.listening;
  return { handle, port, logs };
}

/** Forgets initializers and lifecycle hooks between tests sharing one process. */
export function resetRuntimeState(): void {
  resetInitializersForTesting();
  resetLifecycleForTesting();
}
