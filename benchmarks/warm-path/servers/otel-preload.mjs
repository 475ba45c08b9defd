// The reference for tracing: the OpenTelemetry SDK started in a preload with its own
// @opentelemetry/instrumentation-http and the OTLP/HTTP exporter, around bare node:http
// (`node --import ./otel-preload.mjs node-http.mjs`).
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK } from '@opentelemetry/sdk-node';

new NodeSDK({
  serviceName: 'warm-path',
  traceExporter: new OTLPTraceExporter(),
  instrumentations: [new HttpInstrumentation()],
}).start();
