// Loads what a CloudEvents function needs — the handler module with its validation, and the
// cloudevents SDK — in one step, only when serve() is given a CloudEvents handler.
import { loadCloudEventsSdk } from './sdk.ts';
import type { InvocationContext } from '../context.ts';
import type { CloudEventFunction } from '../handlers/kinds.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Runs one CloudEvents invocation; resolves with the status written. */
export type CloudEventRunner = (
  fn: CloudEventFunction<never>,
  request: IncomingMessage,
  response: ServerResponse,
  ctx: InvocationContext,
  maxBodyBytes: number,
) => Promise<number>;

/** Starts loading the CloudEvents handler and SDK; the promise rejects when `cloudevents` is missing. */
export async function loadCloudEventRunner(): Promise<CloudEventRunner> {
  const [{ runCloudEventHandler }, sdk] = await Promise.all([
    import('./handler.ts'),
    loadCloudEventsSdk('cloudEvent()'),
  ]);
  return (fn, request, response, ctx, maxBodyBytes) =>
    runCloudEventHandler(fn, sdk, request, response, ctx, maxBodyBytes);
}
