import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePodman } from '../../src/containers/podman.ts';
import { busyboxImage, type PrivateStore, privateStore } from './private-store.ts';

let store: PrivateStore;
let image: string;

beforeAll(async () => {
  store = privateStore();
  image = await busyboxImage(store, 'localhost/thaw-busybox:test');
});
afterAll(async () => {
  await store.dispose();
});

describe('the podman wrapper', () => {
  it('starts a container under limits and reports StartedAt, its PID, RSS, logs and a clean exit', async () => {
    const before = Date.now();
    const container = await store.podman.run({
      image,
      args: [
        'sh',
        '-c',
        'trap "echo bye; exit 0" TERM; echo "hello $GREETING as $(id -u)"; while :; do sleep 0.05; done',
      ],
      env: { GREETING: 'world' },
      cpus: 0.5,
      memoryBytes: 64 * 2 ** 20,
      readOnly: true,
      user: '65532:65532',
    });
    try {
      const state = await container.inspect();
      expect(state.running).toBe(true);
      expect(state.pid).toBeGreaterThan(0);
      expect(state.startedAtMs).toBeGreaterThanOrEqual(before - 1000);
      expect(state.startedAtMs).toBeLessThanOrEqual(Date.now() + 1000);
      expect(container.usage(state.pid)?.rssBytes).toBeGreaterThan(0);
      let logs = await container.logs();
      for (let i = 0; i < 50 && !logs.stdout.includes('hello'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        logs = await container.logs();
      }
      expect(logs.stdout).toContain('hello world as 65532');
      const stopped = await container.stop(5);
      expect(stopped).toMatchObject({ running: false, exitCode: 0, oomKilled: false });
      expect(stopped.finishedAtMs).toBeGreaterThan(state.startedAtMs!);
      expect((await container.logs()).stdout).toContain('bye');
    } finally {
      await container.remove();
    }
    expect(await store.podman.containersLabelled('thaw.bench=1')).not.toContain(container.id);
  });

  it('reports a container the kernel killed for exceeding its memory limit as OOMKilled', async () => {
    const container = await store.podman.run({
      image,
      args: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=96M', 'count=1'],
      memoryBytes: 16 * 2 ** 20,
    });
    try {
      expect(await container.wait()).toBe(137);
      expect(await container.inspect()).toMatchObject({ oomKilled: true, exitCode: 137 });
    } finally {
      await container.remove();
    }
  });

  it.each(['SIGINT', 'SIGTERM', 'exit', 'throw'] as const)(
    'removes every container it started when the harness ends by %s',
    async (how) => {
      const label = randomUUID();
      const harness = spawn(
        process.execPath,
        [
          join(import.meta.dirname, 'fixtures', 'interrupted-harness.ts'),
          store.podman.store.root!,
          store.podman.store.runRoot!,
          image,
          label,
          how.startsWith('SIG') ? 'wait' : how,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const exited = new Promise<void>((resolve) => {
        harness.once('exit', () => {
          resolve();
        });
      });
      let stderr = '';
      harness.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      await new Promise<void>((resolve, reject) => {
        harness.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          if (chunk.includes('started')) resolve();
        });
        void exited.then(() => {
          if (how.startsWith('SIG')) reject(new Error(`the harness exited early: ${stderr}`));
          else resolve();
        });
      });
      if (how === 'SIGINT' || how === 'SIGTERM') harness.kill(how);
      await exited;
      expect(await store.podman.containersLabelled(`thaw.test=${label}`)).toEqual([]);
    },
  );

  it('says in one line which packages to install when podman or runc is missing', () => {
    expect(() => {
      requirePodman([], '/nonexistent');
    }).toThrow(
      /^Container runs need podman and runc, which are not installed\. Install with: apt-get install -y podman runc$/u,
    );
    expect(() => {
      requirePodman(['buildah', 'busybox'], '/nonexistent');
    }).toThrow(
      'Container runs need podman, runc, buildah and busybox, which are not installed. Install with: apt-get install -y podman runc buildah busybox-static',
    );
  });
});
