import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { send, startFunction } from '../../../test/support/function-process.ts';
import { redisKeys } from '../src/assess.ts';
import { binaryEvent, orderData } from './support/order-events.ts';
import { createScratchSchema, redisUrl, type ScratchSchema } from './support/scratch-schema.ts';

const entry = join(import.meta.dirname, '..', 'src', 'thaw.ts');
const run = `traces_${process.pid}`;

interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeSpans?: {
      spans?: { name: string; kind: number; traceId: string; attributes?: { key: string }[] }[];
    }[];
  }[];
}

let collector: Server;
let collectorPort = 0;
const exports: OtlpExport[] = [];
let schema: ScratchSchema;

beforeAll(async () => {
  // A minimal OTLP/HTTP (JSON) trace collector: it records what the function exports.
  collector = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') exports.push(JSON.parse(body) as OtlpExport);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const address = collector.address();
  collectorPort = typeof address === 'object' && address !== null ? address.port : 0;
  schema = await createScratchSchema(`order_risk_${run}`);
});

afterAll(async () => {
  await new Promise((resolve) => collector.close(resolve));
  const redis = new Redis(redisUrl, { lazyConnect: true });
  await redis.connect();
  await redis.del(redisKeys.velocity(`${run}-ada`));
  await redis.quit();
  await schema.drop();
});

it('exports the cold start and the OrderCreated invocation to the OTLP endpoint, flushed on SIGTERM', async () => {
  const fn = await startFunction([entry], {
    env: {
      DATABASE_URL: schema.url,
      REDIS_URL: redisUrl,
      K_SERVICE: 'order-risk',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}`,
    },
  });
  try {
    const answer = await send(fn.port, binaryEvent(orderData('traced-1', `${run}-ada`)));
    expect(answer.status).toBe(200);
    expect(await fn.terminate()).toBe(0);
  } finally {
    await fn.stop();
  }

  const resources = exports.flatMap((batch) => batch.resourceSpans ?? []);
  const spans = resources.flatMap((resource) =>
    (resource.scopeSpans ?? []).flatMap((scope) => scope.spans ?? []),
  );
  const names = spans.map((span) => span.name);
  expect(names).toEqual(
    expect.arrayContaining(['cold start', 'init postgres', 'init redis', 'ready', 'process OrderCreated']),
  );
  const serviceNames = resources.map(
    (resource) =>
      resource.resource?.attributes?.find((attribute) => attribute.key === 'service.name')?.value.stringValue,
  );
  expect(new Set(serviceNames)).toEqual(new Set(['order-risk']));
  const invocation = spans.find((span) => span.name === 'process OrderCreated');
  // SERVER (2), marked as the cold start's first invocation.
  expect(invocation?.kind).toBe(2);
  expect(invocation?.attributes?.map((attribute) => attribute.key)).toContain('faas.coldstart');
}, 60_000);
