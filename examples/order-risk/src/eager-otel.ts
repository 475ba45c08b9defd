// The usual way, part one: the OpenTelemetry SDK started in a preload, before the application
// loads (`node --import ./dist/eager-otel.js dist/eager.js`), as OpenTelemetry's docs show for
// ES modules: the import hook first, so that pg and ioredis are instrumented when they load.
import { register } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

const sdk = new NodeSDK({
  serviceName: process.env['K_SERVICE'] ?? 'order-risk',
  traceExporter: new OTLPTraceExporter(),
  instrumentations: [new HttpInstrumentation(), new PgInstrumentation(), new IORedisInstrumentation()],
});
sdk.start();

const shutdown = (): void => {
  sdk.shutdown().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
