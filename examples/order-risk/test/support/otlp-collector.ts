import { createServer } from 'node:http';

/** What an OTLP/HTTP JSON trace export carries, as far as the tests read it. */
export interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeSpans?: {
      scope?: { name: string };
      spans?: { name: string; kind: number; traceId: string; attributes?: { key: string }[] }[];
    }[];
  }[];
}

/** A minimal OTLP/HTTP (JSON) trace collector on loopback that keeps what it receives. */
export interface OtlpCollector {
  readonly endpoint: string;
  readonly exports: OtlpExport[];
  /** Every span received, with its instrumentation scope's name. */
  spans(): { scope: string; name: string; kind: number; attributes: string[] }[];
  /** `service.name` of every resource received. */
  serviceNames(): Set<string | undefined>;
  close(): Promise<void>;
}

export async function startOtlpCollector(): Promise<OtlpCollector> {
  const exports: OtlpExport[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') exports.push(JSON.parse(body) as OtlpExport);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const resources = (): NonNullable<OtlpExport['resourceSpans']> =>
    exports.flatMap((batch) => batch.resourceSpans ?? []);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    exports,
    spans: () =>
      resources().flatMap((resource) =>
        (resource.scopeSpans ?? []).flatMap((scope) =>
          (scope.spans ?? []).map((span) => ({
            scope: scope.scope?.name ?? '',
            name: span.name,
            kind: span.kind,
            attributes: (span.attributes ?? []).map((attribute) => attribute.key),
          })),
        ),
      ),
    serviceNames: () =>
      new Set(
        resources().map(
          (resource) =>
            resource.resource?.attributes?.find((attribute) => attribute.key === 'service.name')?.value
              .stringValue,
        ),
      ),
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
