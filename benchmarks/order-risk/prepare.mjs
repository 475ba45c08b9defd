// Builds what this benchmark starts: order-risk compiled, its schema migrated, and in out/ the
// deploy folders of the eager way bundled (app + OpenTelemetry preload) and of thaw slimmed.
// Idempotent: unchanged folders are kept. Needs PostgreSQL and Redis.
import { prepareOrderRiskTopic } from '../support/order-risk-deploys.mjs';

await prepareOrderRiskTopic(import.meta.dirname, { shared: ['thaw', 'eager', 'eager-otel'] });
