// How both Redis adapters begin a close: a client that never connected (or already ended) is
// disconnected at once; otherwise QUIT is sent and given `drainTimeoutMs` to be answered.
import type { Cluster, Redis } from 'ioredis';
import { settlesWithin } from '../bounded-wait.ts';

/** `idle`: nothing was connected; `drained`: QUIT was answered in time; `timeout`: it was not. */
export type QuitOutcome = 'idle' | 'drained' | 'timeout';

/** Sends QUIT to `client` unless it is not connected, and says how it went. */
export async function quitWithin(client: Redis | Cluster, drainTimeoutMs: number): Promise<QuitOutcome> {
  if (client.status === 'end' || client.status === 'wait') {
    client.disconnect();
    return 'idle';
  }
  const quit = client.quit();
  quit.catch(() => undefined);
  return (await settlesWithin(quit, drainTimeoutMs)) ? 'drained' : 'timeout';
}
