import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Dev, freePort, invoke, project } from './support/dev-harness.ts';

/** The processes whose parent is `pid`, with their command lines. */
function childrenOf(pid: number): Array<{ pid: number; command: string }> {
  const found: Array<{ pid: number; command: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces; the parent pid follows the state.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== pid) continue;
      found.push({
        pid: Number(entry),
        command: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' '),
      });
    } catch {
      // The process ended while the table was read.
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    // A zombie has exited: only its table entry is left for its (dead) parent's reaper.
    return !readFileSync(`/proc/${pid}/stat`, 'utf8')
      .slice(readFileSync(`/proc/${pid}/stat`, 'utf8').lastIndexOf(')') + 2)
      .startsWith('Z');
  } catch {
    return false;
  }
}

async function gone(pids: readonly number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let living = pids.filter(alive);
  while (living.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    living = living.filter(alive);
  }
  return living;
}

describe('thaw dev stops everything it started', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function startDev(): Promise<{
    dev: Dev;
    port: number;
    started: Array<{ pid: number; command: string }>;
  }> {
    const dir = project({
      'package.json': JSON.stringify({ name: 'fn', type: 'module', private: true }),
      'index.js': `import { serve, onShutdown } from '@thaw/runtime';\nonShutdown('note', () => { process.stderr.write('disposer ran\\n'); });\nserve(() => new Response(String(process.pid)));\n`,
    });
    cleanups.push(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    const port = await freePort();
    const dev = new Dev(dir, ['--port', String(port)]);
    const started: Array<{ pid: number; command: string }> = [];
    cleanups.push(async () => {
      if (dev.child.exitCode === null && dev.child.signalCode === null) dev.child.kill('SIGKILL');
      await dev.exited();
      for (const child of started) if (alive(child.pid)) process.kill(child.pid, 'SIGKILL');
    });
    await dev.waitFor(/thaw dev: ready in/);
    started.push(...childrenOf(dev.child.pid ?? 0));
    const answer = invoke(['--target', `http://127.0.0.1:${port}`]);
    expect(answer.status).toBe(0);
    const functionPid = Number(answer.stdout.trim().split('\n').at(-1));
    // The function's process and esbuild's service process, nothing else.
    expect(started.map((child) => child.pid)).toContain(functionPid);
    expect(started.some((child) => /esbuild/.test(child.command))).toBe(true);
    return { dev, port, started };
  }

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'on %s the function drains, its disposers run, and no process of thaw dev is left',
    async (signal) => {
      const { dev, port, started } = await startDev();
      dev.child.kill(signal);
      expect(await dev.exited()).toBe(0);
      expect(dev.out).toContain('disposer ran');
      expect(
        await gone(
          started.map((child) => child.pid),
          5_000,
        ),
      ).toEqual([]);
      expect(invoke(['--target', `http://127.0.0.1:${port}`]).status).toBe(1);
    },
  );

  it('when thaw dev is killed with SIGKILL, the function notices its parent is gone and shuts down', async () => {
    const { dev, port, started } = await startDev();
    dev.child.kill('SIGKILL');
    await dev.exited();
    expect(
      await gone(
        started.map((child) => child.pid),
        15_000,
      ),
    ).toEqual([]);
    expect(invoke(['--target', `http://127.0.0.1:${port}`]).status).toBe(1);
  });
});
