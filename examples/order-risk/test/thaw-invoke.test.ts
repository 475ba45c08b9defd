import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFunction, type FunctionProcess } from '../../../test/support/function-process.ts';
import { orderData } from './support/order-events.ts';
import { createScratchSchema, redisUrl, type ScratchSchema } from './support/scratch-schema.ts';

// The function as its README drives it: started, then `thaw invoke` sends it an OrderCreated
// CloudEvent in each mode and prints the reply event.
const entry = join(import.meta.dirname, '..', 'src', 'thaw.ts');
const thawCli = join(import.meta.dirname, '..', '..', '..', 'packages', 'cli', 'src', 'main.ts');
const run = `invoke_${process.pid}`;

function invoke(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [thawCli, 'invoke', ...args], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('thaw invoke against order-risk', () => {
  let schema: ScratchSchema;
  let fn: FunctionProcess;
  let dir: string;

  beforeAll(async () => {
    schema = await createScratchSchema(`order_risk_${run}`);
    fn = await startFunction([entry], { env: { DATABASE_URL: schema.url, REDIS_URL: redisUrl } });
    dir = mkdtempSync(join(tmpdir(), 'thaw-invoke-order-'));
  });

  afterAll(async () => {
    await fn.stop();
    await schema.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['binary', 'structured'])(
    'sends an OrderCreated event in %s mode and prints the OrderRiskAssessed reply as an event, exit 0',
    (mode) => {
      const file = join(dir, `${mode}.json`);
      writeFileSync(file, JSON.stringify(orderData(`${run}-${mode}`, `${run}-ada`)));
      const answer = invoke([
        '--target',
        `http://127.0.0.1:${fn.port}`,
        '--event',
        '--mode',
        mode,
        '--type',
        'OrderCreated',
        '--source',
        '/shop/checkout',
        '--file',
        file,
      ]);
      expect(answer.status, answer.stderr).toBe(0);
      expect(answer.stdout).toMatch(/^HTTP 200 /);
      expect(answer.stdout).toContain('Reply event:\n');
      expect(answer.stdout).toContain('  type: OrderRiskAssessed\n');
      expect(answer.stdout).toContain(`  subject: ${run}-${mode}\n`);
      expect(answer.stdout).toContain('"decision": "approved"');
    },
  );

  it('prints the reply as JSON with --json, and exits 1 when the function answers 400', () => {
    const json = invoke([
      '--target',
      `http://127.0.0.1:${fn.port}`,
      '--event',
      '--type',
      'OrderCreated',
      '--data',
      JSON.stringify(orderData(`${run}-json`, `${run}-bob`)),
      '--json',
    ]);
    expect(json.status, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      status: 200,
      event: { type: 'OrderRiskAssessed', data: { orderId: `${run}-json`, decision: 'approved' } },
    });
    const wrongType = invoke([
      '--target',
      `http://127.0.0.1:${fn.port}`,
      '--event',
      '--type',
      'OrderShipped',
      '--data',
      '{}',
    ]);
    expect(wrongType.status).toBe(1);
    expect(wrongType.stdout).toMatch(/^HTTP 400 /);
  });
});
