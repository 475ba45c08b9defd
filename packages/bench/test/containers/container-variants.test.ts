// thaw bench runs container variants: one from a Knative Service manifest (which drives image,
// env, port, readiness probe, containerConcurrency and limits, with local overrides on top), one
// from an OCI layout probed over TCP; pulls are measured cold and warm from the harness's own
// registry; and nothing is left running when it is done.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBench } from '../../src/bench.ts';
import { parseBenchFile } from '../../src/config.ts';
import { liveContainers } from '../../src/containers/container-registry.ts';
import { importRootfs, localImagePath, writeNodeRootfs } from '../../src/containers/local-image.ts';
import { requirePodman } from '../../src/containers/podman.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { type PrivateStore, privateStore } from './private-store.ts';

// Answers with what the container sees: its env, its memory limit (cgroup v1) and CPU quota.
const server = `'use strict';
const http = require('node:http');
const fs = require('node:fs');
const read = (p) => { try { return fs.readFileSync(p, 'utf8').trim(); } catch { return 'none'; } };
const server = http.createServer((req, res) => {
  if (req.url === '/readyz') return res.end('ok');
  res.end(JSON.stringify({
    greeting: process.env.GREETING, db: process.env.DATABASE_URL, marker: req.headers['x-marker'],
    memory: read('/sys/fs/cgroup/memory/memory.limit_in_bytes'), quota: read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us'),
  }));
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

let store: PrivateStore;
let dir = '';

beforeAll(async () => {
  requirePodman(['skopeo', 'docker-registry']);
  store = privateStore();
  dir = mkdtempSync(join(tmpdir(), 'thaw-container-variants-'));
  const rootfs = join(store.dir, 'rootfs');
  writeNodeRootfs(rootfs, process.execPath);
  mkdirSync(join(rootfs, 'app'));
  writeFileSync(join(rootfs, 'app', 'server.cjs'), server);
  await importRootfs(store.podman, rootfs, 'localhost/thaw-variant-test:1', {
    entrypoint: ['/usr/local/bin/node'],
    cmd: ['/app/server.cjs'],
    env: { PATH: localImagePath },
    user: '65532:65532',
  });
  rmSync(rootfs, { recursive: true, force: true });
  await store.podman.exec([
    'push',
    '--quiet',
    'localhost/thaw-variant-test:1',
    `oci:${join(dir, 'layout')}:fn`,
  ]);
  writeFileSync(
    join(dir, 'service.yaml'),
    [
      'apiVersion: serving.knative.dev/v1',
      'kind: Service',
      'metadata: { name: fn }',
      'spec:',
      '  template:',
      '    spec:',
      '      containerConcurrency: 1',
      '      containers:',
      '        - image: registry.example/fn:1',
      '          env: [{ name: GREETING, value: from-manifest }, { name: DATABASE_URL, value: "postgres://postgres:5432/app" }]',
      '          readinessProbe: { httpGet: { path: /readyz } }',
      '          resources: { limits: { cpu: "1", memory: 256Mi } }',
      '',
    ].join('\n'),
  );
}, 180_000);
afterAll(async () => {
  await store.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function bundlesUnder(parent: string): string[] {
  const list = JSON.parse(
    execFileSync('runc', ['list', '--format', 'json'], { encoding: 'utf8' }) || '[]',
  ) as { bundle: string }[] | null;
  return (list ?? []).map((c) => c.bundle).filter((bundle) => bundle.startsWith(parent));
}

describe('container variants in thaw bench', () => {
  it('runs a manifest-driven and an OCI-layout variant through the Knative path, with pulls measured apart', async () => {
    const plan = parseBenchFile(
      {
        version: 1,
        runs: 2,
        warmupRuns: 0,
        pullRuns: 1,
        variants: [
          {
            name: 'from-manifest',
            container: {
              service: 'service.yaml',
              image: 'oci:layout:fn',
              env: { DATABASE_URL: 'postgres://127.0.0.1:5432/test' },
              limits: { cpu: '500m', memory: '128Mi' },
            },
            request: { path: '/', headers: { 'x-marker': 'through-both-hops' } },
          },
          { name: 'tcp-probed', container: { image: 'oci:layout:fn', readinessProbe: 'tcp' } },
        ],
      },
      { baseDir: dir, source: 'test.bench.json' },
    );
    const manifest = plan.variants[0]!.container!;
    expect(manifest).toMatchObject({
      cpus: 0.5,
      memoryBytes: 128 * 2 ** 20,
      probe: { httpGet: { path: '/readyz' } },
      containerConcurrency: 1,
      env: { GREETING: 'from-manifest', DATABASE_URL: 'postgres://127.0.0.1:5432/test' },
      readOnly: true,
    });
    const scratch = mkdtempSync(join(dir, 'scratch-'));
    const result = await runBench(plan, {}, { handleSignals: false, containerScratchDir: scratch });

    expect(result.runs.map((r) => [r.variant, r.ok, r.failure?.message])).toEqual([
      ['from-manifest', true, undefined],
      ['tcp-probed', true, undefined],
      ['from-manifest', true, undefined],
      ['tcp-probed', true, undefined],
    ]);
    const first = result.runs[0]!;
    expect(JSON.parse(first.container!.requests[0]!.body!)).toEqual({
      greeting: 'from-manifest',
      db: 'postgres://127.0.0.1:5432/test',
      marker: 'through-both-hops',
      memory: String(128 * 2 ** 20),
      quota: '50000',
    });
    const c = first.container!;
    expect(c.containerStartedMs).toBeGreaterThan(c.askedToStartMs);
    expect(first.listeningMs).toBeGreaterThan(c.containerStartedMs!);
    expect(first.readyMs).toBeGreaterThanOrEqual(first.listeningMs!);
    expect(first.firstResponseMs).toBeGreaterThan(first.readyMs!);
    expect(first.rssBytes).toBeGreaterThan(5 * 2 ** 20);
    expect(result.probing).toEqual({
      knative:
        'knative: every 50 ms, 100 ms timeout, fresh connection per probe, on for 1000 ms after the first response',
    });

    const summary = result.summary.variants.find((v) => v.name === 'tcp-probed')!;
    expect(summary.container).toMatchObject({
      oomKills: 0,
      probeTimeoutsAfterReady: 0,
      probeTimeoutsAfterResponse: 0,
    });
    expect(summary.container!.probesAfterResponse).toBeGreaterThanOrEqual(10);
    // Over TCP, ready is listening: the probe lag is known.
    expect(summary.container!.breakdown!.probeLagMs).toBeGreaterThanOrEqual(0);

    // One image staged for both variants; a cold pull moves every layer, a warm one only manifests.
    expect(result.images).toHaveLength(1);
    const image = result.images![0]!;
    expect(image.variants).toEqual(['from-manifest', 'tcp-probed']);
    const layerBytes = image.layers.reduce((sum, l) => sum + l.sizeBytes, 0);
    const cold = image.pulls.find((p) => p.kind === 'cold')!;
    const warm = image.pulls.find((p) => p.kind === 'warm')!;
    expect(cold.bytes).toBeGreaterThanOrEqual(layerBytes);
    expect(warm.bytes).toBeLessThan(64 * 1024);
    expect(cold.ms).toBeGreaterThan(0);

    const md = renderMarkdown(result);
    expect(md).toContain('Scale from zero through the activator and queue-proxy');
    expect(md).toContain('Image pulls from a local registry');
    expect(md).toContain('knative http /readyz; 0.5 CPU, 128Mi; containerConcurrency 1; read-only root');
    // A result written before probing went on after the first response renders without its counts.
    const older = structuredClone(result);
    for (const variant of older.summary.variants) {
      if (variant.container === undefined) continue;
      const kept = Object.entries(variant.container).filter(([key]) => !key.endsWith('AfterResponse'));
      (variant as { container: unknown }).container = Object.fromEntries(kept);
    }
    expect(renderMarkdown(older)).not.toContain('undefined');

    // Nothing left: no container of the run's store in runc, the store and registry folder gone.
    expect(liveContainers()).toEqual([]);
    expect(bundlesUnder(scratch)).toEqual([]);
    expect(readdirSync(scratch)).toEqual([]);
  }, 240_000);
});
