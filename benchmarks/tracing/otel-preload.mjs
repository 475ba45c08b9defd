// The usual way to trace a Node service: start the OpenTelemetry SDK in a preload
// (`node --import ./otel-preload.mjs app.mjs`), before the application is even imported, with
// the OTLP/HTTP exporter and the HTTP server instrumentation.
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK } from '@opentelemetry/sdk-node';

const sdk = new NodeSDK({
  serviceName: 'hello',
  traceExporter: new OTLPTraceExporter(),
  instrumentations: [new HttpInstrumentation()],
});
sdk.start();
// No SIGTERM handler of its own: thaw's shutdown flushes the registered provider.
