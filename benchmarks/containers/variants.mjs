// The container variants of this benchmark, shared by its two bench files. Every variant is
// driven by the Knative Service manifest `thaw slim` wrote for order-risk (image, env, port,
// readiness probe, containerConcurrency, limits), with what a local run must change on top: the
// image (an OCI layout built by images.mjs), the in-cluster hosts (postgres, redis) replaced by
// loopback ones, and the limits of the cell. The eager and hello images have no readiness
// endpoint, so Knative probes them over TCP.

/** The limits of each cell, in Kubernetes units. */
export const cells = {
  '500m': { cpu: '500m', memory: '128Mi' },
  '1cpu': { cpu: '1', memory: '256Mi' },
};

const env = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
  REDIS_URL: 'redis://127.0.0.1:6379',
  K_SERVICE: 'order-risk',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
  OTEL_METRICS_EXPORTER: 'none',
  OTEL_LOGS_EXPORTER: 'none',
};

const orderRequest = {
  method: 'POST',
  path: '/',
  headers: {
    'ce-specversion': '1.0',
    'ce-type': 'OrderCreated',
    'ce-source': '/benchmarks/containers',
    'ce-id': 'bench-order-1',
    'content-type': 'application/json',
  },
  body: JSON.stringify({
    orderId: 'bench-order-1',
    customerId: 'bench-customer-1',
    email: 'buyer@example.com',
    amountCents: 4200,
    currency: 'EUR',
    country: 'DE',
    items: [{ sku: 'book-1', quantity: 2, priceCents: 2100 }],
  }),
};

/** The manifest of the Node line's thaw deploy folder (Node 22 has no portable compile cache). */
export const serviceOf = (line) => `out/${line === '24' ? 'thaw' : 'thaw-no-cache'}/knative/service.yaml`;

/**
 * One variant: `kind` hello | eager | thaw, Node `line` 24 | 22, limits `cell`.
 *
 * @example
 * variant('thaw', '24', '500m'); // { name: 'thaw-24-500m', container: { … } }
 */
export function variant(kind, line, cell) {
  return {
    name: `${kind}-${line}-${cell}`,
    ...(kind === 'hello' && line === '24' && cell === '500m' ? { baseline: true } : {}),
    container: {
      service: serviceOf(line),
      image: `oci:out/layouts/${kind}-${line}:${kind}${line}`,
      env: kind === 'hello' ? { TARGET: 'World' } : kind === 'thaw' ? { ...env, THAW_OTEL: '1' } : env,
      limits: cells[cell],
      ...(kind === 'thaw' ? {} : { readinessProbe: 'tcp' }),
    },
    request: kind === 'hello' ? { method: 'GET', path: '/' } : orderRequest,
  };
}
