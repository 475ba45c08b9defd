// Runs an existing Node listener unchanged. The invocation ends when its response finishes (or
// the connection closes), which is what readiness, drain and tracing need to know.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NodeListener } from './kinds.ts';

/** Runs a Node listener for one request; resolves with the status written once the response ends. */
export async function runNodeListener(
  listener: NodeListener,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<number> {
  const done = new Promise<void>((resolve) => {
    if (response.writableFinished) {
      resolve();
      return;
    }
    const settle = (): void => {
      response.off('finish', settle);
      response.off('close', settle);
      resolve();
    };
    response.on('finish', settle);
    response.on('close', settle);
  });
  // Express returns nothing; some frameworks return a promise whose rejection is the error.
  const returned: unknown = listener(request, response);
  if (returned instanceof Promise) await returned;
  await done;
  return response.statusCode;
}
