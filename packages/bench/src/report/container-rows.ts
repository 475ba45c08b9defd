// The container variants' sections of a report: the Knative path (arrival → response and its
// parts, app share, OOM kills, probes after ready) and the image pulls, cold and warm.
import { type BenchResult } from '../bench.ts';
import { formatMiB, formatMs } from './format.ts';
import { type Section } from './rows.ts';

/** Scale from zero through the activator and queue-proxy, per container variant. */
export function containerPathSection(result: BenchResult): Section | undefined {
  const rows = result.summary.variants.flatMap((v) => {
    const c = v.container;
    if (c === undefined) return [];
    const b = c.breakdown;
    return [
      [
        v.name,
        String(v.n),
        String(v.failed),
        String(c.oomKills),
        formatMs(c.arrivalToResponseMs?.median),
        formatMs(c.arrivalToResponseMs?.p99),
        formatMs(c.appShareMs?.median),
        formatMs(b?.containerStartMs),
        formatMs(b?.processToListeningMs),
        formatMs(b?.listeningToReadyMs),
        formatMs(b?.probeLagMs),
        formatMs(b?.proxyOverheadMs),
        formatMiB(v.metrics.rssBytes?.distribution.median),
        `${c.probeTimeoutsAfterReady}/${c.probeFailuresAfterReady} of ${c.probesAfterReady}`,
        // Results written before probing went on after the first response have no such counts.
        (c.probesAfterResponse as number | undefined) === undefined
          ? '–'
          : `${c.probeTimeoutsAfterResponse}/${c.probeFailuresAfterResponse} of ${c.probesAfterResponse}`,
      ],
    ];
  });
  if (rows.length === 0) return undefined;
  return {
    title: `Scale from zero through the activator and queue-proxy (ms from request arrival; ${result.probing?.knative ?? 'knative probing'})`,
    headers: [
      'variant',
      'N',
      'failed',
      'OOM kills',
      'arrival → response p50',
      'p99',
      'app share p50',
      'container start',
      'process → listening',
      'listening → ready',
      'probe lag',
      'proxy overhead',
      'RSS MiB',
      'probe timeouts/failures, ready → first response',
      'after the first response',
    ],
    rows,
    numeric: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  };
}

/** The images and their pulls from the harness's own registry. */
export function imagePullSection(result: BenchResult): Section | undefined {
  const images = result.images ?? [];
  if (images.length === 0) return undefined;
  const med = (values: number[]): number | undefined => {
    if (values.length === 0) return undefined;
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  };
  return {
    title: 'Image pulls from a local registry (medians; cold = absent from the store, warm = present)',
    headers: [
      'image',
      'variants',
      'layers',
      'compressed MiB',
      'cold pull ms',
      'cold MiB pulled',
      'warm pull ms',
      'warm KiB pulled',
    ],
    rows: images.map((image) => {
      const of = (kind: 'cold' | 'warm', pick: 'ms' | 'bytes'): number | undefined =>
        med(image.pulls.filter((p) => p.kind === kind).map((p) => p[pick]));
      const warmBytes = of('warm', 'bytes');
      return [
        image.source,
        image.variants.join(', '),
        String(image.layers.length),
        formatMiB(image.layers.reduce((sum, l) => sum + l.sizeBytes, 0)),
        formatMs(of('cold', 'ms')),
        formatMiB(of('cold', 'bytes')),
        formatMs(of('warm', 'ms')),
        warmBytes === undefined ? '–' : (warmBytes / 1024).toFixed(1),
      ];
    }),
    numeric: [2, 3, 4, 5, 6, 7],
  };
}
