import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { listFiles } from './deploy-folder.ts';
import { SlimError } from './errors.ts';
import { freePort, portAccepts } from './loopback-port.ts';

/** The folder, inside the deploy folder, that holds the compile cache. */
export const compileCacheDir = 'compile-cache';

/**
 * Whether a Node version can ship a compile cache in an image: the cache must be portable
 * (keyed by paths relative to the cache folder, Node ≥ 24.12), because the build machine's
 * absolute paths are not the image's.
 *
 * @example
 * ```ts
 * supportsPortableCompileCache('24.21.0'); // true
 * supportsPortableCompileCache('22.23.3'); // false
 * ```
 */
export function supportsPortableCompileCache(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major > 24 || (major === 24 && minor >= 12);
}

// Runs before the bundle: on request, writes the compile cache to disk and says so, so the
// build can stop the function without waiting for it to exit on its own.
const preload = `
import { flushCompileCache } from 'node:module';
process.on('message', (m) => {
  if (m && m.type === 'thaw:compile-cache-flush') {
    flushCompileCache();
    process.send({ type: 'thaw:compile-cache-flushed' });
  }
});
if (process.channel) process.channel.unref();
`;

/** How to fill the cache. */
export interface CompileCacheInput {
  /** The deploy folder; the bundle is `index.js` in it. */
  readonly outDir: string;
  /** Node binary that loads the bundle (its version must be the image's). */
  readonly nodePath: string;
  readonly timeoutMs: number;
}

/**
 * Loads the bundle once, as the image will start it, with a portable `NODE_COMPILE_CACHE`
 * pointing into the deploy folder: V8 compiles the startup module graph and Node writes the code
 * cache. The function runs until it listens on `PORT` (or reports ready over IPC, or exits), then
 * the cache is flushed and the process stopped.
 *
 * @example
 * ```ts
 * await fillCompileCache({ outDir: '/abs/deploy', nodePath: process.execPath, timeoutMs: 10_000 });
 * ```
 */
export async function fillCompileCache(input: CompileCacheInput): Promise<void> {
  // V8 writes each script's URL into its cache entry. Loading the bundle from a folder named
  // after its content keeps two builds of the same input byte-identical wherever they write.
  const hash = createHash('sha256');
  for (const path of listFiles(input.outDir))
    hash.update(`${path}\0`).update(readFileSync(join(input.outDir, path)));
  const staging = join(tmpdir(), 'thaw-compile-cache', hash.digest('hex').slice(0, 16));
  await claim(staging, input.timeoutMs);
  try {
    cpSync(input.outDir, staging, { recursive: true });
    await loadOnce({ ...input, outDir: staging });
    if (!existsSync(join(staging, compileCacheDir)))
      throw new SlimError('THAW_SLIM_COMPILE_CACHE_FAILED', 'Loading the bundle wrote no compile cache.');
    cpSync(join(staging, compileCacheDir), join(input.outDir, compileCacheDir), { recursive: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

// Two builds of the same content at once would share the folder: the second waits for the
// first. A folder older than the wait itself is left over from a build that died, and reused.
async function claim(staging: string, timeoutMs: number): Promise<void> {
  mkdirSync(dirname(staging), { recursive: true });
  const staleAfterMs = timeoutMs + 30_000;
  const deadline = Date.now() + staleAfterMs;
  for (;;) {
    try {
      mkdirSync(staging);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const age = Date.now() - (statSync(staging, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > staleAfterMs || Date.now() > deadline) rmSync(staging, { recursive: true, force: true });
    // The build awaits this pause, so the timer keeps the process alive on purpose.
    else await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface FillRun {
  readonly child: ChildProcess;
  readonly state: { exited: boolean; ready: boolean };
  readonly exit: Promise<number | null>;
  stderr: string;
}

function startFill(input: CompileCacheInput, port: number): FillRun {
  const child = spawn(
    input.nodePath,
    // A fixed seed fixes V8's string hash seed, which the cache records; the seed is not part of
    // V8's flag hash, so the image (started without it) still accepts the cache.
    ['--random-seed=1', '--import', `data:text/javascript,${encodeURIComponent(preload)}`, 'index.js'],
    {
      cwd: input.outDir,
      env: {
        ...process.env,
        NODE_COMPILE_CACHE: join(input.outDir, compileCacheDir),
        NODE_COMPILE_CACHE_PORTABLE: '1',
        NODE_ENV: 'production',
        PORT: String(port),
      },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    },
  );
  // Mutated by the child's events, read by the wait loop.
  const state = { exited: false, ready: false };
  const exit = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      state.exited = true;
      resolve(code);
    });
    child.once('error', () => {
      state.exited = true;
      resolve(null);
    });
  });
  const run: FillRun = { child, state, exit, stderr: '' };
  child.stderr?.on('data', (chunk: Buffer) => {
    if (run.stderr.length < 4000) run.stderr += chunk.toString('utf8');
  });
  child.on('message', (message: { type?: string }) => {
    if (message.type === 'thaw:ready') state.ready = true;
  });
  return run;
}

async function waitUntilListening(run: FillRun, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!run.state.exited && !run.state.ready && Date.now() < deadline) {
    if (await portAccepts(port)) return;
    // Awaited by the build: a ref'd timer, or the process could end while the child exits.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!run.state.exited && !run.state.ready) {
    throw new SlimError(
      'THAW_SLIM_COMPILE_CACHE_FAILED',
      `The bundle did not listen on PORT within ${timeoutMs} ms while the compile cache was filled. ` +
        'Raise compileCacheTimeoutMs, or set compileCache to false.' +
        (run.stderr === '' ? '' : ` Its stderr began: ${run.stderr.slice(0, 500)}`),
    );
  }
}

// Flushed, exited, or given up after 5 s: whichever comes first.
function flush(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    const onMessage = (message: { type?: string } | null): void => {
      if (message?.type === 'thaw:compile-cache-flushed') done();
    };
    const done = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', done);
      resolve();
    };
    const timer = setTimeout(done, 5_000);
    child.on('message', onMessage);
    child.once('exit', done);
    child.send({ type: 'thaw:compile-cache-flush' }, (error) => {
      if (error !== null) done();
    });
  });
}

async function loadOnce(input: CompileCacheInput): Promise<void> {
  const port = await freePort();
  const run = startFill(input, port);
  try {
    await waitUntilListening(run, port, input.timeoutMs);
    if (!run.state.exited) await flush(run.child);
  } finally {
    if (!run.state.exited && run.child.pid !== undefined) run.child.kill('SIGKILL');
    await run.exit;
  }
}

/** Whether a compile cache was shipped, and the notice that says so or why not. */
export interface CompileCacheOutcome {
  readonly shipped: boolean;
  readonly note: string;
}

/**
 * Ships a compile cache when asked and the Node version can write a portable one; otherwise says
 * why not, so the build can print the notice.
 *
 * @example
 * ```ts
 * const outcome = await shipCompileCache(true, '/abs/deploy', process.versions.node, 10_000);
 * ```
 */
export async function shipCompileCache(
  enabled: boolean,
  outDir: string,
  nodeVersion: string,
  timeoutMs: number,
): Promise<CompileCacheOutcome> {
  if (!enabled) return { shipped: false, note: 'compile cache off (compileCache: false).' };
  if (!supportsPortableCompileCache(nodeVersion)) {
    return {
      shipped: false,
      note: `compile cache skipped: Node ${nodeVersion} cannot write a portable compile cache (needs Node ≥ 24.12); the image starts without one.`,
    };
  }
  await fillCompileCache({ outDir, nodePath: process.execPath, timeoutMs });
  return {
    shipped: true,
    note: `compile cache filled by Node ${nodeVersion}; used when the image runs the same Node version.`,
  };
}
