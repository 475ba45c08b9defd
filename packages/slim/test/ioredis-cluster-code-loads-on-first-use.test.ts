import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deferInSources, packageDeferrals } from '../src/defer-parts.ts';
import { slim, type SlimReport } from '../src/slim.ts';
import { services } from '../../../test/support/services.ts';
import { fixtureProject, repoRoot } from './support/fixture-project.ts';
import { recordingLogger } from './support/quiet-logger.ts';
import { runDeploy, type RunningDeploy } from './support/run-deploy.ts';

const ioredisDir = dirname(createRequire(import.meta.url).resolve('ioredis/package.json'));

describe('a slimmed function on a standalone ioredis client', () => {
  let project: string;
  let report: SlimReport;
  let running: RunningDeploy;
  const logger = recordingLogger();

  beforeAll(async () => {
    project = fixtureProject('runtime-redis-fn');
    report = await slim({ projectDir: project, logger, compileCache: false });
    running = await runDeploy(report.outDir, { REDIS_URL: services.redisUrl });
  });

  afterAll(async () => {
    await running.stop();
    rmSync(running.dir, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  });

  test('says the Cluster and Sentinel code loads on first use', () => {
    expect(logger.messages).toContain(
      `info: ioredis ${packageDeferrals['ioredis']!.version}: its Cluster and Sentinel code loads on first use (deferParts).`,
    );
    expect(logger.messages.filter((m) => m.startsWith('warn:') && m.includes('deferParts'))).toEqual([]);
  });

  test('sets, gets and pipelines against the real Redis', async () => {
    expect(await running.get('/?key=standalone')).toEqual({
      status: 200,
      body: { value: 'deferred', pipelined: expect.any(Number) as number },
    });
  });

  test('still makes a cluster client when asked, which loads then and finds no cluster node at a standalone server', async () => {
    const reply = await running.get('/cluster');
    expect(reply.status).toBe(503);
    expect(reply.body).toMatchObject({ connected: false });
    expect((reply.body as { error: string }).error).toMatch(
      /Pool "cluster" \(redis\) could not complete its check \(PING\): None of startup nodes is available/,
    );
    expect(await running.get('/?key=after-cluster')).toMatchObject({
      status: 200,
      body: { value: 'deferred' },
    });
  });

  test('with deferParts off, bundles ioredis as it is', async () => {
    const offProject = fixtureProject('runtime-redis-fn');
    const offLogger = recordingLogger();
    try {
      const off = await slim({
        projectDir: offProject,
        logger: offLogger,
        compileCache: false,
        deferParts: [],
      });
      expect(offLogger.messages.some((m) => m.includes('deferParts'))).toBe(false);
      expect(readFileSync(join(off.outDir, 'index.js'), 'utf8')).not.toContain('"Cluster",{configurable:');
      expect(readFileSync(join(report.outDir, 'index.js'), 'utf8')).toContain('"Cluster",{configurable:');
    } finally {
      rmSync(offProject, { recursive: true, force: true });
    }
  });
});

// The edited files in a copy of the installed ioredis, loaded by plain require: what loads when.
describe('the edited ioredis, required by Node', () => {
  let dir: string;

  beforeAll(() => {
    // require.cache is keyed by real paths.
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'thaw-slim-ioredis-')));
    const copy = join(dir, 'node_modules', 'ioredis');
    cpSync(ioredisDir, copy, { recursive: true, dereference: true });
    const outcome = deferInSources('ioredis', packageDeferrals['ioredis']!, 'installed', (file) =>
      readFileSync(join(ioredisDir, file), 'utf8'),
    );
    if (!outcome.applied) throw new Error(outcome.reason);
    for (const [file, source] of outcome.files) writeFileSync(join(copy, file), source);
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function run(script: string): Record<string, unknown> {
    const result = spawnSync(process.execPath, ['-e', script], {
      cwd: dir,
      // The copy's own dependencies resolve from the repository's node_modules.
      env: { ...process.env, NODE_PATH: join(repoRoot, 'node_modules'), REDIS_URL: services.redisUrl },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  const loadedParts = (): string => `const parts = () => Object.keys(require.cache)
    .filter((f) => f.includes(${JSON.stringify(dir)}) && /[\\\\/](cluster|SentinelConnector)[\\\\/]/.test(f))
    .map((f) => f.slice(f.indexOf('built')).split('\\\\').join('/')).sort();`;

  test('loads no Cluster or Sentinel file for a standalone client, and the Cluster code on first use', () => {
    const result = run(`${loadedParts()}
      const Redis = require('ioredis');
      const atRequire = parts();
      const client = new Redis(process.env.REDIS_URL);
      (async () => {
        await client.set('thaw-slim-test:edited', 'yes', 'EX', 60);
        const value = await client.get('thaw-slim-test:edited');
        await client.quit();
        const afterStandalone = parts();
        const { Cluster } = Redis;
        const afterCluster = parts();
        const cluster = new Cluster([{ host: '127.0.0.1', port: Number(new URL(process.env.REDIS_URL).port || 6379) }],
          { clusterRetryStrategy: () => null, lazyConnect: true });
        let nodeError = '';
        cluster.on('error', (e) => { nodeError = String(e.lastNodeError?.message ?? e.message); });
        await cluster.connect().catch(() => undefined);
        cluster.disconnect();
        process.stdout.write(JSON.stringify({
          atRequire, afterStandalone, value,
          clusterLoaded: afterCluster.includes('built/cluster/index.js'),
          sameCluster: Cluster === require('ioredis').Cluster && Cluster === Redis.default.Cluster,
          isCluster: cluster.isCluster,
          nodeError,
        }));
      })();`);
    expect(result).toEqual({
      atRequire: [],
      afterStandalone: [],
      value: 'yes',
      clusterLoaded: true,
      sameCluster: true,
      isCluster: true,
      nodeError: expect.stringMatching(/cluster support disabled/i) as string,
    });
  });

  test('keeps every export the unedited package has, and lets Redis.Cluster be assigned', () => {
    const result = run(`
      const edited = require('ioredis');
      const keys = Object.keys(edited).sort();
      const names = ['Cluster', 'SentinelConnector', 'SentinelIterator', 'Redis', 'Command', 'Pipeline'];
      const kinds = Object.fromEntries(names.map((n) => [n, typeof edited[n]]));
      const { default: Redis } = require('ioredis/built/Redis');
      class Mine extends Redis {}
      Mine.Cluster = 'assigned';
      process.stdout.write(JSON.stringify({ keys, kinds, assigned: Mine.Cluster, kept: typeof Redis.Cluster }));
    `);
    const original = spawnSync(
      process.execPath,
      [
        '-e',
        `process.stdout.write(JSON.stringify(Object.keys(require(${JSON.stringify(ioredisDir)})).sort()))`,
      ],
      { encoding: 'utf8' },
    );
    expect(result).toEqual({
      keys: JSON.parse(original.stdout) as string[],
      kinds: {
        Cluster: 'function',
        SentinelConnector: 'function',
        SentinelIterator: 'function',
        Redis: 'function',
        Command: 'function',
        Pipeline: 'function',
      },
      assigned: 'assigned',
      kept: 'function',
    });
  });
});
