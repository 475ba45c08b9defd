// Images made on the spot, for machines that cannot pull any: a root filesystem folder imported
// into podman's store as a one-layer image. A Node base is the given Node binary plus the shared
// libraries `ldd` lists for it, at the same paths; a shell base is Debian's static busybox.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BenchError } from '../errors.ts';
import { type Podman } from './podman.ts';

/** The image config an imported image gets (`podman import --change`). */
export interface ImageConfig {
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly workdir?: string;
  readonly user?: string;
}

/**
 * Imports `rootfs` (a folder) into `podman`'s store as `name`, a single-layer image.
 *
 * @example
 * ```ts
 * writeNodeRootfs('/tmp/base', process.execPath);
 * await importRootfs(new Podman(), '/tmp/base', 'localhost/node-base:24', { entrypoint: ['/usr/local/bin/node'] });
 * ```
 */
export async function importRootfs(
  podman: Podman,
  rootfs: string,
  name: string,
  config: ImageConfig = {},
): Promise<void> {
  const changes: string[] = [];
  if (config.entrypoint !== undefined) changes.push(`ENTRYPOINT ${JSON.stringify(config.entrypoint)}`);
  if (config.cmd !== undefined) changes.push(`CMD ${JSON.stringify(config.cmd)}`);
  for (const [key, value] of Object.entries(config.env ?? {})) changes.push(`ENV ${key}=${value}`);
  if (config.workdir !== undefined) changes.push(`WORKDIR ${config.workdir}`);
  if (config.user !== undefined) changes.push(`USER ${config.user}`);
  const args = [...podman.globalArgs(), 'import', ...changes.flatMap((c) => ['--change', c]), '-', name];
  await new Promise<void>((resolve, reject) => {
    const tar = spawn('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', rootfs, '-c', '.'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const importer = spawn('podman', args, { stdio: ['pipe', 'ignore', 'pipe'], env: podman.env() });
    let stderr = '';
    importer.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    tar.stdout.pipe(importer.stdin);
    importer.once('error', (error) => {
      reject(
        new BenchError('THAW_BENCH_CONTAINER_FAILED', `podman import failed to start: ${error.message}`, {
          cause: error,
        }),
      );
    });
    importer.once('exit', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new BenchError(
            'THAW_BENCH_CONTAINER_FAILED',
            `podman import of ${rootfs} as ${name} failed: ${stderr.trim()}`,
          ),
        );
    });
  });
}

/**
 * Writes a root filesystem with `nodeBinary` at `nodePath` (distroless keeps it at
 * /nodejs/bin/node), the shared libraries it links, and an empty world-writable /tmp, as a
 * distroless Node base has.
 *
 * @example
 * ```ts
 * writeNodeRootfs('/tmp/node-rootfs', process.execPath);
 * ```
 */
export function writeNodeRootfs(rootfs: string, nodeBinary: string, nodePath = '/usr/local/bin/node'): void {
  const node = realpathSync(nodeBinary);
  const libraries = execFileSync('ldd', [node], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /(\/\S+)\s+\(0x/u.exec(line)?.[1])
    .filter((path): path is string => path !== undefined);
  for (const [from, to] of [[node, nodePath], ...libraries.map((lib) => [lib, lib])] as const) {
    mkdirSync(join(rootfs, dirname(to)), { recursive: true });
    copyFileSync(realpathSync(from), join(rootfs, to));
  }
  chmodSync(join(rootfs, nodePath), 0o755);
  mkdirSync(join(rootfs, 'tmp'), { recursive: true });
  chmodSync(join(rootfs, 'tmp'), 0o1777);
}

/**
 * Writes a root filesystem with a static busybox as /bin/sh and its applets (`chown`, `chmod`,
 * `cp`), enough for a Dockerfile's build stage.
 *
 * @example
 * ```ts
 * writeBusyboxRootfs('/tmp/shell-rootfs');
 * ```
 */
export function writeBusyboxRootfs(rootfs: string, busybox = '/bin/busybox'): void {
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  copyFileSync(realpathSync(busybox), join(rootfs, 'bin/busybox'));
  chmodSync(join(rootfs, 'bin/busybox'), 0o755);
  for (const applet of [
    'sh',
    'chown',
    'chmod',
    'cp',
    'mkdir',
    'ls',
    'rm',
    'sleep',
    'cat',
    'echo',
    'env',
    'dd',
    'id',
  ]) {
    symlinkSync('busybox', join(rootfs, 'bin', applet));
  }
  mkdirSync(join(rootfs, 'tmp'), { recursive: true });
  chmodSync(join(rootfs, 'tmp'), 0o1777);
}

/** The PATH of the images made here. */
export const localImagePath = '/usr/local/bin:/usr/bin:/bin';
