// Builds what the lever ladder starts: the deploy folders shared with benchmarks/order-risk, and
// in out/ the eager bundle with a compile cache and thaw's bundle without one. Idempotent.
import { prepareOrderRiskTopic } from '../support/order-risk-deploys.mjs';

await prepareOrderRiskTopic(import.meta.dirname, {
  shared: ['thaw', 'eager', 'eager-otel'],
  own: ['eager-cache', 'thaw-no-cache'],
});
