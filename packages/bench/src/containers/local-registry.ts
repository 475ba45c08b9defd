// A registry of the harness's own on loopback (Debian's docker-registry, the CNCF Distribution
// registry) to pull images from, so a cold pull fetches every layer over HTTP as a node does, and
// a byte-counting proxy in front of it, so the bytes a pull moved are measured, not inferred.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { trackChild } from '../child-registry.ts';
import { BenchError } from '../errors.ts';
import { freePort } from '../free-port.ts';
import { releasePort } from '../port-reservation.ts';
import { containerToolsMissing } from './podman.ts';

/** A running registry behind its counting proxy. */
export interface LocalRegistry {
  /** `127.0.0.1:<port>` of the proxy: the host every pull names. */
  readonly host: string;
  /** `127.0.0.1:<port>` of the registry itself (pushes go here, uncounted). */
  readonly directHost: string;
  /** Response bytes (headers excluded) the proxy has passed since the last `resetCount()`. */
  readonly bytesServed: () => number;
  readonly resetCount: () => void;
  readonly stop: () => Promise<void>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Starts docker-registry with its storage in `dir` and a counting proxy in front of it.
 *
 * @example
 * ```ts
 * const registry = await startLocalRegistry('/tmp/bench-registry');
 * registry.resetCount();
 * await podman.exec(['pull', '--tls-verify=false', `${registry.host}/fn:1`]);
 * console.log(registry.bytesServed());
 * await registry.stop();
 * ```
 */
export async function startLocalRegistry(dir: string): Promise<LocalRegistry> {
  const port = await freePort();
  const registry = await spawnRegistry(writeRegistryConfig(dir, port), port);
  if (!(await registryAnswers(port, registry))) {
    await registry.stop();
    throw new BenchError(
      'THAW_BENCH_CONTAINER_FAILED',
      `docker-registry did not answer on 127.0.0.1:${port}: ${registry.stderr().trim() || 'no output'}`,
    );
  }
  return countingProxy(port, registry.stop);
}

/** Writes docker-registry's config (storage in `dir`, listening on `port`) and returns its path. */
function writeRegistryConfig(dir: string, port: number): string {
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n`,
  );
  return config;
}

interface RegistryProcess {
  readonly exited: () => boolean;
  readonly stderr: () => string;
  /** Stops the registry (if it still runs) and releases its port. */
  readonly stop: () => Promise<void>;
}

/** Spawns docker-registry, tracked so an interrupted harness stops it; names the tool if missing. */
async function spawnRegistry(config: string, port: number): Promise<RegistryProcess> {
  const child = spawn('docker-registry', ['serve', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const spawned = await new Promise<boolean>((resolve) => {
    child.once('spawn', () => {
      resolve(true);
    });
    child.once('error', () => {
      resolve(false);
    });
  });
  if (!spawned) {
    releasePort(port);
    throw containerToolsMissing(['docker-registry']);
  }
  if (child.pid !== undefined) trackChild(child.pid, exited);
  return {
    exited: () => child.exitCode !== null,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        process.kill(child.pid, 'SIGTERM');
        await exited;
      }
      releasePort(port);
    },
  };
}

/** Polls `/v2/` for up to ~10 s while the registry runs; true once it answers 200. */
async function registryAnswers(port: number, registry: RegistryProcess): Promise<boolean> {
  for (let i = 0; i < 100 && !registry.exited(); i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v2/`, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (res.status === 200) return true;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  return false;
}

/** The proxy in front of the registry on `port`, counting the response bytes it passes. */
async function countingProxy(port: number, stopRegistry: () => Promise<void>): Promise<LocalRegistry> {
  let served = 0;
  const proxy = createServer((req, res) => {
    const upstream = request(
      { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.on('data', (chunk: Buffer) => {
          served += chunk.length;
        });
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      res.writeHead(502).end(error.message);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    directHost: `127.0.0.1:${port}`,
    bytesServed: () => served,
    resetCount: () => {
      served = 0;
    },
    stop: async () => {
      await new Promise<void>((resolve) => {
        proxy.close(() => {
          resolve();
        });
        proxy.closeAllConnections();
      });
      await stopRegistry();
    },
  };
}

/**
 * Copies an image with skopeo (`oci:<dir>:<tag>` or `docker://<ref>` to `docker://<ref>`),
 * blobs as they are, without recompressing.
 *
 * @example
 * ```ts
 * await skopeoCopy('oci:/tmp/layout:fn', `docker://${registry.directHost}/fn:1`);
 * ```
 */
export function skopeoCopy(from: string, to: string): Promise<void> {
  const loopback = (ref: string): boolean => /^docker:\/\/(127\.0\.0\.1|localhost)[:/]/u.test(ref);
  const args = [
    'copy',
    '--quiet',
    ...(loopback(from) ? ['--src-tls-verify=false'] : []),
    ...(loopback(to) ? ['--dest-tls-verify=false'] : []),
    from,
    to,
  ];
  return new Promise((resolve, reject) => {
    execFile('skopeo', args, { maxBuffer: 16 * 1024 * 1024, timeout: 600_000 }, (error, _stdout, stderr) => {
      if (error === null) resolve();
      else if ((error as NodeJS.ErrnoException).code === 'ENOENT') reject(containerToolsMissing(['skopeo']));
      else
        reject(
          new BenchError(
            'THAW_BENCH_CONTAINER_FAILED',
            `skopeo copy ${from} ${to} failed: ${stderr.trim()}`,
            {
              cause: error,
            },
          ),
        );
    });
  });
}
