// The shipped Grafana dashboard against a real Prometheus: thaw functions (the built package, in
// their own Node processes on loopback, and one in a podman container with a memory limit) serve
// /metrics, Debian's prometheus scrapes them every second, and after traffic every PromQL
// expression of every panel must return data through Prometheus's HTTP API, so no panel queries a
// metric or label that does not exist.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  importRootfs,
  Podman,
  requirePodman,
  writeNodeRootfs,
  type Container,
} from '../../packages/bench/src/index.ts';
import { localImagePath } from '../../packages/bench/src/containers/local-image.ts';
import { freePort, send, startFunction, type FunctionProcess } from '../support/function-process.ts';
import { repoRoot } from '../support/packed.ts';
import { services } from '../support/services.ts';

const dashboardFile = join(repoRoot, 'packages', 'runtime', 'grafana', 'thaw-dashboard.json');
const fixtures = join(import.meta.dirname, 'fixtures');
const scrapeIntervalSeconds = 1;
/** The memory limit of the containerised function (Knative's `limits.memory: 256Mi`). */
const containerMemoryBytes = 256 * 1024 * 1024;
const containerImage = 'localhost/thaw-metrics-function:test';
/** What Grafana puts in place of its variables, as it would for "All" jobs and a short range. */
const grafanaVariables: ReadonlyArray<readonly [RegExp, string]> = [
  [/\$__rate_interval/g, '1m'],
  [/\$__interval/g, '30s'],
  [/\$job/g, '.+'],
];

interface DashboardTarget {
  readonly refId: string;
  readonly expr: string;
}
interface DashboardPanel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly targets?: readonly DashboardTarget[];
}

/** The dashboard's PromQL, one entry per target, with Grafana's variables substituted. */
function dashboardQueries(): Array<{ panel: string; refId: string; query: string }> {
  const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8')) as { panels: DashboardPanel[] };
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      panel: panel.title,
      refId: target.refId,
      query: grafanaVariables.reduce((expr, [variable, value]) => expr.replace(variable, value), target.expr),
    })),
  );
}

/** Fails with one line naming the Debian package when the prometheus binary is not installed. */
function requirePrometheus(): void {
  const probe = spawnSync('prometheus', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(
      'prometheus is not installed: this test runs the real server from the Debian package "prometheus" (apt-get install -y prometheus).',
    );
  }
}

interface QueryAnswer {
  readonly status: string;
  readonly error?: string;
  readonly data?: {
    resultType: string;
    result: Array<{ metric: Record<string, string>; value: [number, string] }>;
  };
}

async function query(port: number, promql: string): Promise<QueryAnswer> {
  const answer = await send(port, { path: `/api/v1/query?query=${encodeURIComponent(promql)}` });
  return JSON.parse(answer.body) as QueryAnswer;
}

/** Why `answer` does not count as data: undefined when it holds at least one finite sample. */
function missingData(answer: QueryAnswer): string | undefined {
  if (answer.status !== 'success') return `query failed: ${answer.error ?? 'no error given'}`;
  const result = answer.data?.result ?? [];
  if (result.length === 0) return 'no series';
  if (!result.some((series) => Number.isFinite(Number(series.value[1])))) {
    return `only non-finite values (${result.map((series) => series.value[1]).join(', ')})`;
  }
  return undefined;
}

async function targets(
  port: number,
): Promise<Array<{ scrapeUrl: string; health: string; lastError: string }>> {
  const answer = JSON.parse((await send(port, { path: '/api/v1/targets' })).body) as {
    data: { activeTargets: Array<{ scrapeUrl: string; health: string; lastError: string }> };
  };
  return answer.data.activeTargets.map(({ scrapeUrl, health, lastError }) => ({
    scrapeUrl,
    health,
    lastError,
  }));
}

/**
 * Runs the container fixture with the built runtime in an image made on the spot (Node and the
 * package's dist, no registry), limited to {@link containerMemoryBytes}, on the host network.
 */
async function startContainerFunction(
  podman: Podman,
  dir: string,
): Promise<{ container: Container; port: number }> {
  const rootfs = join(dir, 'rootfs');
  writeNodeRootfs(rootfs, process.execPath);
  const runtimeDir = join(rootfs, 'app', 'node_modules', '@thaw', 'runtime');
  mkdirSync(runtimeDir, { recursive: true });
  const packageDir = join(repoRoot, 'packages', 'runtime');
  cpSync(join(packageDir, 'package.json'), join(runtimeDir, 'package.json'));
  cpSync(join(packageDir, 'dist'), join(runtimeDir, 'dist'), { recursive: true });
  cpSync(join(fixtures, 'container-function.mjs'), join(rootfs, 'app', 'function.mjs'));
  await importRootfs(podman, rootfs, containerImage, {
    entrypoint: ['/usr/local/bin/node'],
    workdir: '/app',
    env: { PATH: localImagePath },
  });
  const port = await freePort();
  const container = await podman.run({
    image: containerImage,
    args: ['/app/function.mjs'],
    env: { PORT: String(port) },
    memoryBytes: containerMemoryBytes,
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await send(port, { path: '/readyz', timeoutMs: 1000 }).catch(() => undefined);
    if (ready?.status === 200) return { container, port };
    if (Date.now() > deadline) {
      const logs = await container.logs();
      throw new Error(`the containerised function did not become ready: ${logs.stdout}${logs.stderr}`);
    }
    await sleep(100);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('the Grafana dashboard against a real Prometheus', () => {
  const functions: FunctionProcess[] = [];
  let prometheus: ChildProcess | undefined;
  let prometheusPort = 0;
  let prometheusLog = '';
  let dataDir = '';
  let podman: Podman | undefined;
  let container: Container | undefined;
  let containerPort = 0;

  beforeAll(async () => {
    requirePrometheus();
    requirePodman();
    const env = { DATABASE_URL: services.postgresUrl };
    const started = await Promise.all([
      startFunction([join(fixtures, 'web-function.mjs')], { cwd: repoRoot, env, ready: { http: '/readyz' } }),
      startFunction([join(fixtures, 'web-function.mjs')], { cwd: repoRoot, env, ready: { http: '/readyz' } }),
      startFunction([join(fixtures, 'event-function.mjs')], {
        cwd: repoRoot,
        env,
        ready: { http: '/readyz' },
      }),
    ]);
    functions.push(...started);

    dataDir = mkdtempSync(join(tmpdir(), 'thaw-prometheus-'));
    podman = new Podman({ root: join(dataDir, 'storage'), runRoot: join(dataDir, 'run') });
    ({ container, port: containerPort } = await startContainerFunction(podman, dataDir));
    const scraped = [...functions.map((fn) => fn.port), containerPort];
    const config = join(dataDir, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global:',
        `  scrape_interval: ${scrapeIntervalSeconds}s`,
        `  scrape_timeout: ${scrapeIntervalSeconds}s`,
        'scrape_configs:',
        '  - job_name: thaw-functions',
        '    metrics_path: /metrics',
        '    static_configs:',
        `      - targets: [${scraped.map((port) => `'127.0.0.1:${port}'`).join(', ')}]`,
        '',
      ].join('\n'),
    );
    prometheusPort = await freePort();
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dataDir, 'data')}`,
        `--web.listen-address=127.0.0.1:${prometheusPort}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout?.setEncoding('utf8').on('data', (chunk: string) => (prometheusLog += chunk));
    prometheus.stderr?.setEncoding('utf8').on('data', (chunk: string) => (prometheusLog += chunk));
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ready = await send(prometheusPort, { path: '/-/ready' }).catch(() => undefined);
      if (ready?.status === 200) break;
      if (prometheus.exitCode !== null || Date.now() > deadline) {
        throw new Error(`prometheus did not become ready: ${prometheusLog}`);
      }
      await sleep(100);
    }
  });

  afterAll(async () => {
    if (prometheus?.pid !== undefined && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
      process.kill(prometheus.pid, 'SIGKILL');
      await exited;
    }
    await Promise.all(functions.map((fn) => fn.stop()));
    await container?.remove().catch(() => undefined);
    if (podman !== undefined) await podman.resetStore().catch(() => undefined);
    if (dataDir !== '') rmSync(dataDir, { recursive: true, force: true });
  });

  it('scrapes every function and answers every panel query with data after traffic', async () => {
    // Every function scraped successfully (a page Prometheus cannot parse would show here).
    const expected = [...functions.map((fn) => fn.port), containerPort]
      .map((port) => ({ scrapeUrl: `http://127.0.0.1:${port}/metrics`, health: 'up', lastError: '' }))
      .sort((a, b) => a.scrapeUrl.localeCompare(b.scrapeUrl));
    let seen: typeof expected = [];
    const upBy = Date.now() + 20_000;
    while (Date.now() < upBy) {
      seen = (await targets(prometheusPort)).sort((a, b) => a.scrapeUrl.localeCompare(b.scrapeUrl));
      if (seen.every((target) => target.health !== 'unknown') && seen.length === expected.length) break;
      await sleep(200);
    }
    expect(seen).toEqual(expected);

    const [web1, web2, events] = functions as [FunctionProcess, FunctionProcess, FunctionProcess];
    // Bounded traffic over several scrapes, so that rates see the counters move.
    for (let round = 0; round < 30; round += 1) {
      const event = (type: string): Promise<unknown> =>
        send(events.port, {
          method: 'POST',
          headers: {
            'ce-id': `${round}-${type}`,
            'ce-source': '/orders',
            'ce-type': type,
            'ce-specversion': '1.0',
          },
        });
      await Promise.all([
        send(web1.port),
        send(web1.port),
        send(web2.port),
        send(web2.port, { path: '/missing' }),
        round % 5 === 0 ? send(web1.port, { path: '/fail' }) : undefined,
        send(web2.port, { headers: { 'x-thaw-warmup': '1' } }),
        send(containerPort),
        event('order.created'),
        round % 5 === 0 ? event('order.rejected') : undefined,
      ]);
      await sleep(150);
    }

    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThanOrEqual(10);
    // Two more scrapes after the traffic, then every query must hold data (a few seconds' grace).
    await sleep(2 * scrapeIntervalSeconds * 1000);
    let missing: string[];
    const deadline = Date.now() + 15_000;
    do {
      missing = [];
      for (const { panel, refId, query: promql } of queries) {
        const why = missingData(await query(prometheusPort, promql));
        if (why !== undefined) missing.push(`${panel} ${refId}: ${why}: ${promql}`);
      }
      if (missing.length === 0) break;
      await sleep(500);
    } while (Date.now() < deadline);
    expect(missing).toEqual([]);
    // Still every target up after the traffic.
    expect((await targets(prometheusPort)).every((target) => target.health === 'up')).toBe(true);

    // The figures behind the panels are the traffic's: 5xx from /fail and the rejected events.
    const failed = await query(
      prometheusPort,
      'sum(thaw_request_duration_seconds_count{status_class="5xx"})',
    );
    expect(Number(failed.data?.result[0]?.value[1])).toBe(12);
    const coldStarts = await query(prometheusPort, 'sum(thaw_cold_starts_total)');
    expect(Number(coldStarts.data?.result[0]?.value[1])).toBe(4);
    // The containerised function reports its cgroup's limit (the others report whatever limit the
    // machine running the test has, if any).
    const limits = await query(prometheusPort, 'thaw_memory_limit_bytes');
    const containerLimit = limits.data?.result.find(
      (series) => series.metric['instance'] === `127.0.0.1:${containerPort}`,
    );
    expect(Number(containerLimit?.value[1])).toBe(containerMemoryBytes);
  });
});
