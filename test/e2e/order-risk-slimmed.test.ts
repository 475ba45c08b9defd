// The whole path a user takes with order-risk: install the published packages, build the
// function, slim it, run the deploy folder on its own against the real PostgreSQL and Redis,
// deliver OrderCreated events, then stop it with SIGTERM while it is under load.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  binaryEvent,
  orderData,
  structuredEvent,
} from '../../examples/order-risk/test/support/order-events.ts';
import { withSearchPath } from '../../examples/order-risk/test/support/scratch-schema.ts';
import { send, startFunction, type FunctionProcess } from '../support/function-process.ts';
import { repoRoot, scratchProjectWithTarballs } from '../support/packed.ts';
import { services } from '../support/services.ts';

const example = join(repoRoot, 'examples', 'order-risk');
const run = `e2e_${process.pid}_${Date.now().toString(36)}`;
const schemaName = `order_risk_${run}`;
const velocityPattern = `risk:velocity:${run}-*`;

/** Does any folder above `dir`, up to the root, hold a node_modules? (The deploy folder carries its own, for the instrumented drivers.) */
function nodeModulesAbove(dir: string): string | undefined {
  for (let current = dirname(dir); ; current = dirname(current)) {
    if (existsSync(join(current, 'node_modules'))) return join(current, 'node_modules');
    if (dirname(current) === current) return undefined;
  }
}

describe('order-risk installed from the packed packages, built, slimmed and run on its own', () => {
  let project = '';
  let deployDir = '';
  let databaseUrl = '';
  let admin: pg.Client | undefined;
  let db: pg.Pool | undefined;
  let redis: Redis | undefined;
  let fn: FunctionProcess | undefined;

  beforeAll(async () => {
    project = scratchProjectWithTarballs([
      'pg@8.23.1',
      'ioredis@6.0.0',
      'cloudevents@10.0.0',
      '@types/pg@8.23.1',
    ]);

    // The function's own files, as its author has them: sources, migrations, package.json
    // settings (entry, engines, thaw config).
    cpSync(join(example, 'src'), join(project, 'src'), { recursive: true });
    cpSync(join(example, 'migrations'), join(project, 'migrations'), { recursive: true });
    const source = JSON.parse(readFileSync(join(example, 'package.json'), 'utf8')) as Record<string, unknown>;
    const pkgFile = join(project, 'package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(
      pkgFile,
      JSON.stringify(
        {
          ...pkg,
          name: 'order-risk',
          main: source['main'],
          engines: source['engines'],
          thaw: source['thaw'],
        },
        null,
        2,
      ),
    );
    // The thaw entry and the migration command; the eager entry needs the OpenTelemetry SDK,
    // which this function does not install.
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2023',
          strict: true,
          skipLibCheck: true,
          rewriteRelativeImportExtensions: true,
          rootDir: 'src',
          outDir: 'dist',
          sourceMap: true,
          types: ['node'],
          typeRoots: [join(project, 'node_modules', '@types'), join(repoRoot, 'node_modules', '@types')],
        },
        files: ['src/thaw.ts', 'src/migrate-cli.ts'],
      }),
    );
    const tsc = spawnSync(
      process.execPath,
      [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'],
      {
        cwd: project,
        encoding: 'utf8',
      },
    );
    if (tsc.status !== 0) throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);

    const slim = spawnSync(process.execPath, [join(project, 'node_modules', '.bin', 'thaw'), 'slim'], {
      cwd: project,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (slim.status !== 0) throw new Error(`thaw slim failed:\n${slim.stdout}${slim.stderr}`);

    // The deploy folder alone, where no node_modules of the project can be reached.
    deployDir = mkdtempSync(join(tmpdir(), 'thaw-e2e-order-risk-'));
    cpSync(join(project, '.thaw', 'deploy'), deployDir, { recursive: true });

    admin = new pg.Client({ connectionString: services.postgresUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schemaName}`);
    databaseUrl = withSearchPath(services.postgresUrl, schemaName);
    execFileSync(process.execPath, ['dist/migrate-cli.js'], {
      cwd: project,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: 'pipe',
    });
    db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    redis = new Redis(services.redisUrl, { lazyConnect: true });
    await redis.connect();
  }, 300_000);

  afterAll(async () => {
    await fn?.stop();
    await db?.end();
    if (redis !== undefined) {
      const keys = await redis.keys(velocityPattern);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
    if (admin !== undefined) {
      await admin.query(`DROP SCHEMA IF EXISTS ${schemaName} CASCADE`);
      await admin.end();
    }
    if (deployDir !== '') rmSync(deployDir, { recursive: true, force: true });
    if (project !== '') rmSync(project, { recursive: true, force: true });
  });

  async function startSlimmed(): Promise<FunctionProcess> {
    return startFunction(['index.js'], {
      cwd: deployDir,
      inheritEnv: false,
      env: { DATABASE_URL: databaseUrl, REDIS_URL: services.redisUrl },
      timeoutMs: 30_000,
    });
  }

  it('the deploy folder holds a bundle and manifests, and nothing above it provides node_modules', () => {
    expect(nodeModulesAbove(deployDir)).toBeUndefined();
    const manifest = JSON.parse(readFileSync(join(deployDir, 'thaw-slim.json'), 'utf8')) as {
      entry: string;
      files: { path: string }[];
    };
    expect(manifest.entry).toBe('index.js');
    expect(manifest.files.some((file) => file.path.startsWith('node_modules/@thaw/'))).toBe(false);
    expect(readFileSync(join(deployDir, 'knative', 'trigger.yaml'), 'utf8')).toContain('type: OrderCreated');
  });

  it('answers binary and structured OrderCreated events with OrderRiskAssessed replies and records the orders', async () => {
    fn = await startSlimmed();
    const binary = await send(fn.port, binaryEvent(orderData('e2e-1', `${run}-ada`), { id: 'evt-1' }));
    expect(binary.status).toBe(200);
    expect(binary.headers['ce-type']).toBe('OrderRiskAssessed');
    expect(binary.headers['ce-source']).toBe('/functions/order-risk');
    expect(binary.headers['ce-subject']).toBe('e2e-1');
    expect(binary.headers['ce-id']).toMatch(/.+/);
    expect(binary.headers['ce-riskdecision']).toBe('approved');
    expect(JSON.parse(binary.body)).toEqual({
      orderId: 'e2e-1',
      customerId: `${run}-ada`,
      decision: 'approved',
      reasons: [],
      replayed: false,
      order: {
        amountCents: 2_500,
        currency: 'EUR',
        items: [{ sku: 'book', quantity: 1, priceCents: 2_500 }],
      },
    });

    const structured = await send(fn.port, structuredEvent(orderData('e2e-2', `${run}-bob`, 75_000)));
    expect(structured.status).toBe(200);
    expect(structured.headers['ce-type']).toBe('OrderRiskAssessed');
    expect(structured.headers['ce-subject']).toBe('e2e-2');
    expect(structured.headers['ce-riskdecision']).toBe('rejected');
    expect(JSON.parse(structured.body)).toMatchObject({
      orderId: 'e2e-2',
      customerId: `${run}-bob`,
      decision: 'rejected',
      reasons: ['new-customer-high-amount'],
      replayed: false,
    });

    const malformed = await send(
      fn.port,
      binaryEvent({ ...orderData('e2e-3', `${run}-cy`), country: 'Germany' }),
    );
    expect(malformed.status).toBe(400);
    expect((JSON.parse(malformed.body) as { message: string }).message).toContain('country');

    const rows = await db!.query<{ id: string; customer_id: string; decision: string; reasons: string[] }>(
      'SELECT id, customer_id, decision, reasons FROM orders ORDER BY id',
    );
    expect(rows.rows).toEqual([
      { id: 'e2e-1', customer_id: `${run}-ada`, decision: 'approved', reasons: [] },
      { id: 'e2e-2', customer_id: `${run}-bob`, decision: 'rejected', reasons: ['new-customer-high-amount'] },
    ]);
    expect(await redis!.get(`risk:velocity:${run}-ada`)).toBe('1');

    expect(await fn.terminate()).toBe(0);
    fn = undefined;
  }, 60_000);

  it('loses no accepted event when SIGTERM arrives under load, and exits 0', async () => {
    const clients = 20;
    const perClient = 20;
    const sigtermAfter = 120;
    fn = await startSlimmed();
    const { port, child } = fn;

    const answered = new Map<string, { status: number; decision: string | undefined }>();
    const failures: { orderId: string; code: string }[] = [];
    let sigtermSent = false;
    let answeredAfterSigterm = 0;

    async function client(index: number): Promise<void> {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (let n = 0; n < perClient; n++) {
          const orderId = `load-${index}-${n}`;
          try {
            const answer = await send(port, {
              ...binaryEvent(orderData(orderId, `${run}-load-${index}`)),
              agent,
            });
            answered.set(orderId, {
              status: answer.status,
              decision:
                answer.status === 200
                  ? (JSON.parse(answer.body) as { decision: string }).decision
                  : undefined,
            });
            if (sigtermSent) answeredAfterSigterm += 1;
            if (!sigtermSent && answered.size >= sigtermAfter) {
              sigtermSent = true;
              child.kill('SIGTERM');
            }
          } catch (error) {
            failures.push({ orderId, code: (error as NodeJS.ErrnoException).code ?? String(error) });
            // The listener is closed: this client is done.
            return;
          }
        }
      } finally {
        agent.destroy();
      }
    }

    await Promise.all(Array.from({ length: clients }, (_, index) => client(index)));
    const exit = await fn.exited;
    fn = undefined;

    expect(sigtermSent).toBe(true);
    expect(exit.code).toBe(0);
    // Every request the function accepted was answered 200; the only failures are connections
    // refused after the listener closed, which were never accepted.
    expect([...answered.values()].filter((answer) => answer.status !== 200)).toEqual([]);
    expect(failures.filter((failure) => failure.code !== 'ECONNREFUSED')).toEqual([]);
    expect(answered.size + failures.length).toBeLessThanOrEqual(clients * perClient);
    expect(answered.size).toBeGreaterThanOrEqual(sigtermAfter);
    expect(answeredAfterSigterm).toBeGreaterThan(0);

    // Every answered order is in the database with the decision the reply gave, and nothing
    // was recorded for a request that got no answer.
    const rows = await db!.query<{ id: string; decision: string }>(
      "SELECT id, decision FROM orders WHERE id LIKE 'load-%'",
    );
    const recorded = new Map(rows.rows.map((row) => [row.id, row.decision]));
    expect(recorded.size).toBe(answered.size);
    for (const [orderId, answer] of answered) expect(recorded.get(orderId)).toBe(answer.decision);
  }, 90_000);
});
