// A burst of 50 requests arriving at zero, held by the activator until the revision is ready,
// under 500m/128Mi on Node 24; misses counted against the bare hello image's p99 in the same run
// plus 300 ms. Built by measure.mjs.
import { variant } from './variants.mjs';

export default {
  version: 1,
  runs: 3,
  warmupRuns: 0,
  order: 'interleaved',
  timeoutMs: 30000,
  // The prober goes on after the first response, through thaw's deferred tracing load.
  probeAfterResponseMs: 3000,
  pullRuns: 0,
  burst: 50,
  sloFloor: 'hello-24-500m',
  sloMarginMs: 300,
  variants: ['hello', 'eager', 'thaw'].map((kind) => variant(kind, '24', '500m')),
};
