import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFixture } from './run-fixture.ts';

type ReportedError = { code: string; message: string; cause?: string };

describe('a collector that refuses the export', () => {
  let collector: Server;
  let url: string;
  let requests = 0;

  beforeAll(async () => {
    collector = createServer((req, res) => {
      requests += 1;
      req.resume();
      req.on('end', () => {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"bad request"}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    collector.closeAllConnections();
    await new Promise<void>((resolve) => {
      collector.close(() => {
        resolve();
      });
    });
  });

  it('is reported through the error handler when a batch export fails while the function runs', async () => {
    const before = requests;
    const run = await runFixture('collector-trouble.ts', {
      THAW_OTEL: '1',
      OTEL_EXPORTER_OTLP_ENDPOINT: url,
      OTEL_BSP_SCHEDULE_DELAY: '20',
      FIXTURE_WAIT_FOR_ERROR: '1',
    });
    expect(run.code).toBe(0);
    expect(requests).toBeGreaterThan(before);
    const errors = run.result['errors'] as ReportedError[];
    expect(errors[0]).toEqual({
      code: 'THAW_TELEMETRY_FAILED',
      message: 'OpenTelemetry reported an error: OTLPExporterError: Bad Request (code 400).',
    });
  });

  it('is reported through the error handler, with its cause, when the export at shutdown fails', async () => {
    const run = await runFixture('collector-trouble.ts', {
      THAW_OTEL: '1',
      OTEL_EXPORTER_OTLP_ENDPOINT: url,
    });
    expect(run.code).toBe(0);
    const errors = run.result['errors'] as ReportedError[];
    expect(errors).toContainEqual({
      code: 'THAW_TELEMETRY_FAILED',
      message: 'Flushing telemetry failed. The application is not affected.',
      cause: 'Bad Request',
    });
  });
});
