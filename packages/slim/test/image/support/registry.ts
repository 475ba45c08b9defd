// A real registry (Debian's docker-registry, the CNCF Distribution registry) on a free loopback
// port with its own storage directory, stopped by PID.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../../src/loopback-port.ts';
import { requireTools, run } from './tools.ts';

/** A running test registry. */
export interface TestRegistry {
  /** `127.0.0.1:<port>`, as image references name it. */
  readonly host: string;
  readonly stop: () => Promise<void>;
}

/** Extra registry settings. */
export interface TestRegistryOptions {
  /** Require Basic auth with this user. */
  readonly basicAuth?: { readonly username: string; readonly password: string };
  /** Require Bearer tokens (the `auth.token` section). */
  readonly token?: {
    readonly realm: string;
    readonly service: string;
    readonly issuer: string;
    readonly rootCertBundle: string;
  };
}

/** A port that was free a moment ago. */
export { freePort };

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => {
      resolve();
    });
    if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
  });
}

async function writeConfig(dir: string, port: number, options: TestRegistryOptions): Promise<string> {
  let auth = '';
  if (options.basicAuth !== undefined) {
    const htpasswd = join(dir, 'htpasswd');
    await run('htpasswd', ['-Bbc', htpasswd, options.basicAuth.username, options.basicAuth.password]);
    auth = `auth:\n  htpasswd:\n    realm: thaw-test\n    path: ${htpasswd}\n`;
  } else if (options.token !== undefined) {
    const t = options.token;
    auth = `auth:\n  token:\n    realm: ${t.realm}\n    service: ${t.service}\n    issuer: ${t.issuer}\n    rootcertbundle: ${t.rootCertBundle}\n`;
  }
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${auth}`,
  );
  return config;
}

/** Starts one registry; resolves undefined when it exits at once (its port was taken meanwhile). */
async function startOnce(dir: string, options: TestRegistryOptions): Promise<TestRegistry | undefined> {
  const port = await freePort();
  const config = await writeConfig(dir, port, options);
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const stop = async (): Promise<void> => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const alive = (): boolean => child.exitCode === null;
  for (let i = 0; i < 100 && alive(); i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v2/`, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      // Something else may have taken the port; a registry that lost it exits at once.
      await sleep(200);
      if ((res.status === 200 || res.status === 401) && alive()) {
        return { host: `127.0.0.1:${port}`, stop };
      }
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  await stopChild(child);
  if (/address already in use/u.test(stderr)) return undefined;
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`docker-registry did not start on 127.0.0.1:${port}: ${stderr}`);
}

/**
 * Starts docker-registry on a free loopback port with its own storage directory and config;
 * resolves once `/v2/` answers. Stop it with `stop()`, which kills it by PID and removes its
 * storage.
 */
export async function startRegistry(options: TestRegistryOptions = {}): Promise<TestRegistry> {
  requireTools(options.basicAuth === undefined ? ['docker-registry'] : ['docker-registry', 'htpasswd']);
  for (let attempt = 0; attempt < 3; attempt++) {
    const registry = await startOnce(mkdtempSync(join(tmpdir(), 'thaw-registry-')), options);
    if (registry !== undefined) return registry;
  }
  throw new Error('docker-registry lost its port to another process three times in a row; retry the tests.');
}
