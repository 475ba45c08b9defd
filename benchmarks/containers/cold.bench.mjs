// Scale from zero through the emulated activator and queue-proxy: hello, eager and thaw images
// under 500m/128Mi and 1 CPU/256Mi on Node 24, and under 500m/128Mi on Node 22, one interleaved
// run, with every image's pulls measured cold and warm first. Built by measure.mjs.
import { variant } from './variants.mjs';

export default {
  version: 1,
  runs: 6,
  warmupRuns: 1,
  order: 'interleaved',
  timeoutMs: 30000,
  // The prober goes on after the first response, through thaw's deferred tracing load.
  probeAfterResponseMs: 3000,
  pullRuns: 2,
  variants: [
    ...['hello', 'eager', 'thaw'].map((kind) => variant(kind, '24', '500m')),
    ...['hello', 'eager', 'thaw'].map((kind) => variant(kind, '24', '1cpu')),
    ...['hello', 'eager', 'thaw'].map((kind) => variant(kind, '22', '500m')),
  ],
};
