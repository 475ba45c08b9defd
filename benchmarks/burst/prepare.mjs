// Builds what the burst benchmark starts: order-risk compiled and migrated, and thaw's deploy
// folder (shared with benchmarks/order-risk). Idempotent.
import { prepareOrderRiskTopic } from '../support/order-risk-deploys.mjs';

await prepareOrderRiskTopic(import.meta.dirname, { shared: ['thaw'] });
