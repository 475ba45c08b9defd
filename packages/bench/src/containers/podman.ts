// The one place that knows how to drive a container runtime: podman with runc, daemonless.
// Every flag that a sandboxed or CI machine needs lives here (runc instead of crun, cgroupfs,
// rlimits no higher than the hard limits, the host network so loopback services answer), and
// every container started through it is recorded until removed, so an interrupted harness
// removes them too.
import { type ChildProcess, execFile, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchError } from '../errors.ts';
import { readProcessUsage } from '../proc-stats.ts';
import { trackContainer, untrackContainer } from './container-registry.ts';

/** The Debian packages that provide the container runtime (`apt-get install -y …`). */
export const containerPackages: readonly string[] = ['podman', 'runc'];

/** The Debian package of each container tool the harness and its tests may drive. */
const toolPackages: Readonly<Record<string, string>> = {
  podman: 'podman',
  runc: 'runc',
  buildah: 'buildah',
  skopeo: 'skopeo',
  umoci: 'umoci',
  'docker-registry': 'docker-registry',
  busybox: 'busybox-static',
};

/** Where podman keeps images and containers; both unset: the machine's default store. */
export interface PodmanStore {
  /** `--root`: images and container layers. A private folder isolates a run's images. */
  readonly root?: string;
  /** `--runroot`: runtime state; set together with `root`. */
  readonly runRoot?: string;
  /**
   * `--tmpdir`: libpod's own state (its "alive" marker, exit files, and here its locks).
   * @default `<runRoot>/libpod` for a private store
   */
  readonly tmpDir?: string;
}

// Why a private store needs a private tmpdir and file locks: by default every store on the
// machine shares libpod's tmpdir (/run/libpod) and one shared-memory lock table
// (/dev/shm/libpod_lock). `podman system reset` on any private store deletes that shared
// tmpdir; the next podman call on another store then takes the machine for freshly booted,
// "refreshes" its containers by re-allocating their lock numbers in the still-populated table,
// and fails with "acquiring lock 0 for container …: file exists", leaving them unusable. With
// its own tmpdir and `lock_type = "file"` (locks as files in that tmpdir), a store shares
// nothing with the others, and removing one cannot break another.
const privateStoreConf = '[engine]\nlock_type = "file"\n';

/** What to run. Limits map to `--cpus` and `--memory`, as a Knative Service's `resources.limits` do. */
export interface ContainerSpec {
  /** An image in the store (`localhost/hello:1`) or any reference podman accepts (`oci:/dir:tag`). */
  readonly image: string;
  /** Arguments after the image (the image's CMD when omitted). */
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** CPU limit in cores (`0.5` for Knative's `500m`). */
  readonly cpus?: number;
  /** Memory limit in bytes (`134217728` for `128Mi`). */
  readonly memoryBytes?: number;
  /** Read-only root filesystem, as a restricted pod's `readOnlyRootFilesystem`. */
  readonly readOnly?: boolean;
  /**
   * The rest of a restricted pod's `securityContext`: every capability dropped
   * (`--cap-drop=ALL`) and no privilege escalation (`--security-opt no-new-privileges`).
   */
  readonly restricted?: boolean;
  /** Paths mounted as a fresh tmpfs (`--tmpfs`), as an in-memory `emptyDir` volume is. */
  readonly tmpfs?: readonly string[];
  /** `uid[:gid]` to run as instead of the image's user. */
  readonly user?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** What the runtime says of a container (`podman inspect`). Times are epoch milliseconds. */
export interface ContainerState {
  readonly status: string;
  readonly running: boolean;
  /** Host PID of the container's first process; 0 when it is not running. */
  readonly pid: number;
  /** The runtime's own start time (`State.StartedAt`), with sub-millisecond precision. */
  readonly startedAtMs: number | undefined;
  readonly finishedAtMs: number | undefined;
  readonly exitCode: number;
  /** The kernel killed the container for exceeding its memory limit. */
  readonly oomKilled: boolean;
}

/** The container's output so far. */
export interface ContainerLogs {
  readonly stdout: string;
  readonly stderr: string;
}

/** podman calls still running (a `podman wait` outlives an interrupted run otherwise). */
const runningCalls = new Set<ChildProcess>();

/**
 * SIGKILLs every podman call of this process still running, so none touches a store after the
 * harness removed it.
 *
 * @example
 * ```ts
 * process.on('exit', () => killPodmanCallsSync());
 * ```
 */
export function killPodmanCallsSync(): void {
  for (const child of runningCalls) child.kill('SIGKILL');
  runningCalls.clear();
}

/** The error thrown when container tools are not installed: one line naming the packages. */
export function containerToolsMissing(missing: readonly string[]): BenchError {
  const packages = [...new Set([...containerPackages, ...missing.map((tool) => toolPackages[tool] ?? tool)])];
  const names =
    missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}`;
  return new BenchError(
    'THAW_BENCH_CONTAINER_TOOLS_MISSING',
    `Container runs need ${names}, which ${missing.length === 1 ? 'is' : 'are'} not installed. Install with: apt-get install -y ${packages.join(' ')}`,
  );
}

/**
 * Throws a one-line BenchError naming the Debian packages to install when podman, runc or any
 * of `also` (`buildah`, `skopeo`, `docker-registry`, `busybox`…) is not on PATH.
 *
 * @example
 * ```ts
 * requirePodman(); // Container runs need runc, which is not installed. Install with: apt-get install -y podman runc
 * requirePodman(['buildah']);
 * ```
 */
export function requirePodman(also: readonly string[] = [], path = process.env.PATH ?? ''): void {
  const missing = [...containerPackages, ...also].filter(
    (tool) =>
      spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { stdio: 'ignore', env: { PATH: path } }).status !==
      0,
  );
  if (missing.length > 0) throw containerToolsMissing(missing);
}

/**
 * Parses an RFC 3339 time with nanoseconds (`2026-12-07T04:50:58.967608916Z`, or podman's
 * `2026-12-07 04:50:58.967608916 +0000 UTC`) into epoch milliseconds, keeping the fraction.
 *
 * @example
 * ```ts
 * parseRuntimeTime('1970-01-01T00:00:01.0005Z'); // 1000.5
 * ```
 */
export function parseRuntimeTime(text: string): number | undefined {
  const match = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d+))?\s*(Z|[+-]\d\d:?\d\d)?/u.exec(text.trim());
  if (match === null || match[1]?.startsWith('0001-') === true) return undefined;
  const zone =
    match[4] === undefined || match[4] === 'Z' ? 'Z' : match[4].replace(/^([+-]\d\d)(\d\d)$/u, '$1:$2');
  const whole = Date.parse(`${match[1]}T${match[2]}${zone}`);
  if (Number.isNaN(whole)) return undefined;
  const fraction = match[3] === undefined ? 0 : Number(`0.${match[3]}`) * 1000;
  return whole + fraction;
}

interface InspectJson {
  State?: {
    Status?: string;
    Running?: boolean;
    Pid?: number;
    StartedAt?: string;
    FinishedAt?: string;
    ExitCode?: number;
    OOMKilled?: boolean;
  };
}

function stateOf(json: InspectJson): ContainerState {
  const s = json.State ?? {};
  return {
    status: s.Status ?? 'unknown',
    running: s.Running === true,
    pid: s.Pid ?? 0,
    startedAtMs: s.StartedAt === undefined ? undefined : parseRuntimeTime(s.StartedAt),
    finishedAtMs: s.FinishedAt === undefined ? undefined : parseRuntimeTime(s.FinishedAt),
    exitCode: s.ExitCode ?? 0,
    oomKilled: s.OOMKilled === true,
  };
}

/**
 * Whether the kernel log records a memory-cgroup OOM kill inside container `id`'s cgroup.
 * False when the log cannot be read (no root).
 */
export function kernelLogNamesOomKill(id: string): boolean {
  const log = spawnSync('dmesg', [], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 10_000 });
  if (log.status !== 0) return false;
  return log.stdout
    .split('\n')
    .some((line) => line.includes('oom-kill:') && line.includes(`oom_memcg=`) && line.includes(id));
}

/**
 * podman, with the flags that work on a sandboxed machine, against one store.
 *
 * @example
 * ```ts
 * const podman = new Podman();
 * const container = await podman.run({ image: 'localhost/hello:1', env: { PORT: '8080' }, cpus: 0.5, memoryBytes: 128 * 2 ** 20 });
 * try {
 *   console.log((await container.inspect()).startedAtMs);
 * } finally {
 *   await container.remove();
 * }
 * ```
 */
export class Podman {
  readonly store: PodmanStore;

  constructor(store: PodmanStore = {}) {
    this.store = store;
  }

  /** libpod's tmpdir for a private store; undefined for the machine's default store. */
  get tmpDir(): string | undefined {
    if (this.store.tmpDir !== undefined) return this.store.tmpDir;
    const state = this.store.runRoot ?? this.store.root;
    return state === undefined ? undefined : join(state, 'libpod');
  }

  /**
   * The environment every podman call gets: for a private store, `CONTAINERS_CONF` naming a
   * config with file locks (written on first use next to its tmpdir).
   */
  env(): NodeJS.ProcessEnv {
    const tmpDir = this.tmpDir;
    if (tmpDir === undefined) return process.env;
    const conf = `${tmpDir}.containers.conf`;
    if (!existsSync(conf)) {
      mkdirSync(join(tmpDir, '..'), { recursive: true });
      writeFileSync(conf, privateStoreConf);
    }
    return { ...process.env, CONTAINERS_CONF: conf };
  }

  /** The global flags every podman call gets: the store, runc, cgroupfs. */
  globalArgs(): string[] {
    const tmpDir = this.tmpDir;
    return [
      ...(this.store.root === undefined ? [] : ['--root', this.store.root]),
      ...(this.store.runRoot === undefined ? [] : ['--runroot', this.store.runRoot]),
      ...(tmpDir === undefined ? [] : ['--tmpdir', tmpDir]),
      '--runtime',
      'runc',
      '--cgroup-manager',
      'cgroupfs',
    ];
  }

  /** Runs `podman <args>` and resolves with its stdout; rejects with its stderr in the message. */
  exec(args: readonly string[], options: { stdin?: string; timeoutMs?: number } = {}): Promise<string> {
    const all = [...this.globalArgs(), ...args];
    return new Promise((resolve, reject) => {
      const child = execFile(
        'podman',
        all,
        {
          maxBuffer: 64 * 1024 * 1024,
          timeout: options.timeoutMs ?? 120_000,
          env: this.env(),
          // conmon drops an empty `oom` marker in the working directory of the podman call that
          // started a container the kernel then killed: in the store's folder, not the caller's.
          ...(this.tmpDir === undefined ? {} : { cwd: join(this.tmpDir, '..') }),
        },
        (error, stdout, stderr) => {
          if (error === null) {
            resolve(stdout);
            return;
          }
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
            reject(containerToolsMissing(['podman']));
            return;
          }
          reject(
            new BenchError(
              'THAW_BENCH_CONTAINER_FAILED',
              `podman ${args.join(' ')} failed: ${stderr.trim() === '' ? error.message : stderr.trim()}`,
              { cause: error },
            ),
          );
        },
      );
      runningCalls.add(child);
      child.once('exit', () => runningCalls.delete(child));
      if (options.stdin !== undefined) child.stdin?.end(options.stdin);
    });
  }

  /** The `podman run` arguments for `spec`, without the global flags (for logs and tests). */
  runArgs(spec: ContainerSpec): string[] {
    const args = [
      'run',
      '--detach',
      '--network',
      'host',
      // Without CAP_SYS_RESOURCE podman's default rlimits fail; these stay under the hard limits.
      '--ulimit',
      'nofile=1024:1024',
      '--ulimit',
      'nproc=1024:1024',
      '--label',
      'thaw.bench=1',
      '--label',
      `thaw.bench.harness-pid=${process.pid}`,
    ];
    for (const [key, value] of Object.entries(spec.labels ?? {})) args.push('--label', `${key}=${value}`);
    if (spec.cpus !== undefined) args.push('--cpus', String(spec.cpus));
    if (spec.memoryBytes !== undefined) {
      // Swap equal to memory: no swap, so the limit is the limit.
      args.push('--memory', `${spec.memoryBytes}b`, '--memory-swap', `${spec.memoryBytes}b`);
    }
    if (spec.readOnly === true) args.push('--read-only');
    if (spec.restricted === true) args.push('--cap-drop=ALL', '--security-opt', 'no-new-privileges');
    for (const path of spec.tmpfs ?? []) args.push('--tmpfs', `${path}:rw,nosuid,nodev,size=16m`);
    if (spec.user !== undefined) args.push('--user', spec.user);
    for (const [key, value] of Object.entries(spec.env ?? {})) args.push('--env', `${key}=${value}`);
    args.push(spec.image, ...(spec.args ?? []));
    return args;
  }

  /**
   * Starts a container (detached) and resolves once the runtime has started it. The container
   * is recorded until `remove()`, so an interrupted harness removes it too.
   */
  async run(spec: ContainerSpec): Promise<Container> {
    // A run that fails after creating the container (an executable not found, a bad limit)
    // leaves it behind in "created"; its own label finds it to remove it.
    const runId = randomUUID();
    const args = this.runArgs({ ...spec, labels: { ...spec.labels, 'thaw.bench.run': runId } });
    let out: string;
    try {
      out = await this.exec(args);
    } catch (error) {
      const left = await this.containersLabelled(`thaw.bench.run=${runId}`).catch(() => []);
      if (left.length > 0)
        await this.exec(['rm', '--force', '--time', '0', '--ignore', ...left]).catch(() => '');
      throw error;
    }
    const id = out.trim().split('\n').pop() ?? '';
    if (!/^[0-9a-f]{12,64}$/u.test(id)) {
      throw new BenchError(
        'THAW_BENCH_CONTAINER_FAILED',
        `podman run printed no container id (got ${JSON.stringify(id)}).`,
      );
    }
    trackContainer(id, this.globalArgs(), this.env());
    return new Container(this, id);
  }

  /** Whether `image` is in this store. */
  async imageExists(image: string): Promise<boolean> {
    return this.exec(['image', 'exists', image]).then(
      () => true,
      () => false,
    );
  }

  /** Removes `image` from this store; no error when it is absent. */
  async removeImage(image: string): Promise<void> {
    if (await this.imageExists(image)) await this.exec(['rmi', '--force', image]);
  }

  /**
   * Empties a private store (containers, images, its tmpdir and locks). Refuses the machine's
   * default store, which other work on the machine may be using.
   */
  async resetStore(): Promise<void> {
    if (this.store.root === undefined)
      throw new BenchError(
        'THAW_BENCH_CONTAINER_FAILED',
        'resetStore() empties a private store only; this Podman uses the default store.',
      );
    await this.exec(['rm', '--all', '--force', '--time', '0']).catch(() => '');
    await this.exec(['system', 'reset', '--force'], { timeoutMs: 300_000 });
  }

  /** IDs of the containers in this store that carry `label` (`key=value`), running or not. */
  async containersLabelled(label: string): Promise<string[]> {
    const out = await this.exec(['ps', '--all', '--quiet', '--no-trunc', '--filter', `label=${label}`]);
    return out.split('\n').filter((line) => line !== '');
  }
}

/**
 * One container started by {@link Podman.run}: inspect, RSS, logs, signals, stop and remove.
 *
 * @example
 * ```ts
 * const state = await container.stop(10);
 * console.log(state.exitCode, state.oomKilled);
 * await container.remove();
 * ```
 */
export class Container {
  readonly id: string;
  readonly #podman: Podman;

  constructor(podman: Podman, id: string) {
    this.#podman = podman;
    this.id = id;
  }

  /** The runtime's view: status, host PID, StartedAt, exit code, OOMKilled. */
  async inspect(): Promise<ContainerState> {
    const out = await this.#podman.exec(['inspect', '--type', 'container', this.id]);
    const parsed = JSON.parse(out) as InspectJson[];
    const first = parsed[0];
    if (first === undefined)
      throw new BenchError('THAW_BENCH_CONTAINER_FAILED', `podman inspect knows no container ${this.id}.`);
    const state = stateOf(first);
    // podman 4 with runc on cgroup v1 leaves OOMKilled false even when the kernel's memory
    // cgroup killed the process (exit 137); the kernel log names the container's cgroup.
    if (!state.running && state.exitCode === 137 && !state.oomKilled && kernelLogNamesOomKill(this.id)) {
      return { ...state, oomKilled: true };
    }
    return state;
  }

  /**
   * RSS (bytes) and CPU time (ms) of the container's first process, read from /proc by its host
   * PID; undefined when it is not running.
   */
  usage(pid: number): { rssBytes: number; cpuMs: number } | undefined {
    return pid > 0 ? readProcessUsage(pid) : undefined;
  }

  /** Everything the container wrote to stdout and stderr so far. */
  async logs(): Promise<ContainerLogs> {
    return new Promise((resolve, reject) => {
      execFile(
        'podman',
        [...this.#podman.globalArgs(), 'logs', this.id],
        { maxBuffer: 64 * 1024 * 1024, env: this.#podman.env() },
        (error, stdout, stderr) => {
          if (error === null) resolve({ stdout, stderr });
          else
            reject(
              new BenchError(
                'THAW_BENCH_CONTAINER_FAILED',
                `podman logs ${this.id} failed: ${stderr.trim()}`,
                { cause: error },
              ),
            );
        },
      );
    });
  }

  /** Sends `signal` to the container's first process. */
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.#podman.exec(['kill', '--signal', signal, this.id]);
  }

  /** Resolves with the exit code once the container has stopped. */
  async wait(): Promise<number> {
    return Number((await this.#podman.exec(['wait', this.id], { timeoutMs: 600_000 })).trim());
  }

  /** SIGTERM, then SIGKILL after `timeoutSeconds`; resolves with the final state. */
  async stop(timeoutSeconds = 10): Promise<ContainerState> {
    await this.#podman.exec(['stop', '--time', String(timeoutSeconds), this.id], {
      timeoutMs: (timeoutSeconds + 30) * 1000,
    });
    return this.inspect();
  }

  /** Removes the container (killing it if it still runs). Safe to call twice. */
  async remove(): Promise<void> {
    await this.#podman.exec(['rm', '--force', '--time', '0', '--ignore', this.id]);
    untrackContainer(this.id);
  }
}
