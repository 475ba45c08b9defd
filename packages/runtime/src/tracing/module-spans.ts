// The module-load spans of the cold start: the samples of the module profile charged to
// packages, and the heaviest packages turned into children of the `cold start` span.
//
// A sample goes to the innermost frame on its stack that belongs to a package: the package's own
// code, and the loading and compiling Node does for a `require` or `import()` the package makes,
// count as the package's *self* time; the packages it loads in turn have their own self time, so
// nothing is counted twice and the spans' durations add up to at most the sampled time. A
// package's *inclusive* time (any of its frames on the stack, its dependencies' loading
// included) is an attribute. Samples with no package frame (garbage collection, V8's own work,
// Node's bootstrap and its ES module loader linking a static import graph) go to no package.
import type { CpuProfile, TakenProfile } from '../startup/module-profile.ts';
import type { PhaseSpan } from './cold-start-span.ts';
import { ScriptSources } from './script-sources.ts';
import {
  ATTR_THAW_MODULE_INCLUSIVE_MS,
  ATTR_THAW_MODULE_PACKAGE,
  ATTR_THAW_MODULE_SAMPLES,
  ATTR_THAW_MODULE_SELF_MS,
} from './semconv.ts';

/** How many packages get a span: the heaviest by self time. */
export const moduleSpanLimit = 10;

/** Time charged to one package, in ms since process start. */
export interface PackageTime {
  readonly name: string;
  selfMs: number;
  inclusiveMs: number;
  samples: number;
  /** When the first sample charged to it (self) was taken. */
  firstMs: number;
}

const v8Buckets = new Set(['(garbage collector)', '(program)', '(idle)', '(root)']);

type ProfileNode = CpuProfile['nodes'][number];

/**
 * Charges the samples of `taken` taken before `untilMs` (ms since process start) to packages,
 * heaviest self time first.
 *
 * @example
 * ```ts
 * const taken = takeModuleProfile();
 * if (taken) packageTimes(taken, findMark('ready')?.startMs ?? Infinity).slice(0, 3);
 * ```
 */
export function packageTimes(
  taken: TakenProfile,
  untilMs: number,
  sources: ScriptSources = new ScriptSources(),
): PackageTime[] {
  const { profile, offsetMs, intervalUs } = taken;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node);
  const labels = new Map<number, string | undefined>();
  const labelOf = (node: ProfileNode): string | undefined => {
    if (labels.has(node.id)) return labels.get(node.id);
    const { url, lineNumber, columnNumber } = node.callFrame;
    const label = url === '' ? undefined : sources.packageAt(url, lineNumber, columnNumber);
    labels.set(node.id, label);
    return label;
  };
  const times = new Map<string, PackageTime>();
  const timeOf = (name: string, atMs: number): PackageTime => {
    let time = times.get(name);
    if (time === undefined) {
      time = { name, selfMs: 0, inclusiveMs: 0, samples: 0, firstMs: atMs };
      times.set(name, time);
    }
    return time;
  };
  let atUs = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    atUs += profile.timeDeltas[i] ?? 0;
    const atMs = atUs / 1000 + offsetMs;
    if (atMs >= untilMs) break;
    // A sample stands for the time until the next one (the interval for the last).
    const durationMs = (profile.timeDeltas[i + 1] ?? intervalUs) / 1000;
    const leaf = byId.get(profile.samples[i] ?? -1);
    if (leaf === undefined || (leaf.callFrame.url === '' && v8Buckets.has(leaf.callFrame.functionName)))
      continue;
    let own: string | undefined;
    const onStack = new Set<string>();
    for (let node: ProfileNode | undefined = leaf; node !== undefined; node = parentOf.get(node.id)) {
      const label = labelOf(node);
      if (label === undefined) continue;
      own ??= label;
      onStack.add(label);
    }
    if (own === undefined) continue;
    const self = timeOf(own, atMs);
    self.selfMs += durationMs;
    self.samples += 1;
    for (const name of onStack) timeOf(name, atMs).inclusiveMs += durationMs;
  }
  return [...times.values()].filter((time) => time.samples > 0).sort((a, b) => b.selfMs - a.selfMs);
}

/**
 * The heaviest packages of the module profile as children of the `cold start` span: one span
 * per package, `module <name>`, starting at its first sample, lasting its self time (the sum
 * of its samples, not a stretch it ran without a break), with its self and inclusive times and
 * sample count as attributes.
 *
 * @example
 * ```ts
 * moduleLoadSpans(taken, readyMs).map((span) => span.name); // ['module pg', 'module ioredis', …]
 * ```
 */
export function moduleLoadSpans(taken: TakenProfile, untilMs: number, limit = moduleSpanLimit): PhaseSpan[] {
  return packageTimes(taken, untilMs)
    .slice(0, limit)
    .map((time) => ({
      name: `module ${time.name}`,
      startMs: time.firstMs,
      endMs: time.firstMs + time.selfMs,
      kind: 'module' as const,
      attributes: {
        [ATTR_THAW_MODULE_PACKAGE]: time.name,
        [ATTR_THAW_MODULE_SELF_MS]: round(time.selfMs),
        [ATTR_THAW_MODULE_INCLUSIVE_MS]: round(time.inclusiveMs),
        [ATTR_THAW_MODULE_SAMPLES]: time.samples,
      },
    }));
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
