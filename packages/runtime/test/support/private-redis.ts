import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accepts, freePort, ManagedProcess, type PrivateServer } from './private-server.ts';

/**
 * A fresh `redis-server` (no persistence) on a free port. With `cluster`, it runs in cluster mode
 * and the caller assigns the slots (`CLUSTER ADDSLOTSRANGE 0 16383` makes a one-node cluster).
 */
export async function startPrivateRedis(options: { cluster?: boolean } = {}): Promise<PrivateServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'thaw-redis-'));
  const clusterArgs =
    options.cluster === true
      ? [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-announce-ip',
          '127.0.0.1',
        ]
      : [];
  const server = new ManagedProcess({
    label: 'private Redis',
    port,
    url: `redis://127.0.0.1:${port}`,
    launch: () =>
      spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          dir,
          ...clusterArgs,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      ),
    ready: () => accepts(port),
    stopSignal: 'SIGTERM',
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  });
  await server.start();
  return server;
}
