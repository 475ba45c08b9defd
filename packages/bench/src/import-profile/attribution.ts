// Charges each CPU sample of a cold start to a package. A sample goes to the innermost frame on
// its stack that belongs to a package, so the loader and compiler work a `require` or `import`
// does inside Node on a package's behalf counts for the package that asked for it (its "own"
// time); every package on the stack also gets the sample once in its "inclusive" time. Node's ES
// module loader reads, compiles and links a static `import` graph before any of its modules
// runs, outside every package's frames: a sample inside the loader with no package frame goes to
// the package of the module being loaded then, from the load timeline (module-loads.ts). Other
// samples with no package frame go to V8's own buckets: (garbage collector), (program) —
// compiling and other V8 work not inside a script —, (idle) — waiting for I/O or timers — and
// (node) for Node's bootstrap (and the loader's work when no timeline was recorded).
import { type CpuProfile, type ProfileNode, samplesOf } from './cpu-profile.ts';
import type { ModuleLoadTimeline } from './module-loads.ts';
import { PackageResolver } from './package-of.ts';
import { SourceMapCache } from './source-maps.ts';

/** Time charged to one label, in microseconds. */
export interface LabelTime {
  /** Own time from profile start to ready. */
  toReadyUs: number;
  /** Inclusive time (the label anywhere on the stack) from profile start to ready. */
  inclusiveToReadyUs: number;
  /** Own time from ready to the first response. */
  readyToResponseUs: number;
}

/** The attribution of one profile. */
export interface ProfileAttribution {
  readonly labels: ReadonlyMap<string, LabelTime>;
  /** Main-thread busy time (every bucket but idle) from profile start to ready, µs. */
  readonly busyToReadyUs: number;
  /** Bundled scripts seen, and whether each had a source map. */
  readonly scripts: ReadonlyMap<string, boolean>;
}

/** When ready and the first response happened, on the profile's clock (µs). */
export interface Cutoffs {
  readonly readyUs: number;
  readonly responseUs: number;
}

const v8Buckets = new Set(['(garbage collector)', '(program)', '(idle)', '(root)']);

/** Labels frames, caching per profile node. */
export class FrameLabeler {
  readonly #maps = new SourceMapCache();
  readonly #packages = new PackageResolver();
  readonly #cache = new Map<ProfileNode, string | undefined>();
  readonly #functionPackage: string | undefined;

  readonly #ignoredDir: string | undefined;

  /**
   * `functionRoot`: a file of the function itself, whose package is shown as (function);
   * `ignoredDir`: a folder whose scripts count as Node's (the harness's own preloads).
   */
  constructor(functionRoot?: string, ignoredDir?: string) {
    this.#functionPackage = functionRoot === undefined ? undefined : this.#packages.packageOf(functionRoot);
    this.#ignoredDir = ignoredDir;
  }

  /** The package of a frame, `(function)` for the function's own code, undefined for Node's. */
  label(node: ProfileNode): string | undefined {
    if (this.#cache.has(node)) return this.#cache.get(node);
    const label = this.#compute(node);
    this.#cache.set(node, label);
    return label;
  }

  #compute(node: ProfileNode): string | undefined {
    const { url, lineNumber, columnNumber } = node.callFrame;
    const path = SourceMapCache.pathOf(url);
    if (path === undefined) return undefined;
    if (this.#ignoredDir !== undefined && path.startsWith(this.#ignoredDir)) return undefined;
    return this.#packageLabel(this.#maps.originalFile(path, lineNumber, columnNumber));
  }

  /** The label of a module the loader was loading, by its file URL. */
  labelModule(url: string): string | undefined {
    const path = SourceMapCache.pathOf(url);
    if (path === undefined) return undefined;
    if (this.#ignoredDir !== undefined && path.startsWith(this.#ignoredDir)) return undefined;
    return this.#packageLabel(path);
  }

  #packageLabel(file: string): string {
    const name = this.#packages.packageOf(file);
    if (name === undefined || name === this.#functionPackage) return '(function)';
    return name;
  }

  /** Scripts read for source maps. */
  scripts(): ReadonlyMap<string, boolean> {
    return this.#maps.scripts();
  }
}

function entry(labels: Map<string, LabelTime>, label: string): LabelTime {
  let time = labels.get(label);
  if (time === undefined) {
    time = { toReadyUs: 0, inclusiveToReadyUs: 0, readyToResponseUs: 0 };
    labels.set(label, time);
  }
  return time;
}

const esmLoader = 'node:internal/modules/esm/';

function ownLabel(
  stack: readonly ProfileNode[],
  atUs: number,
  labeler: FrameLabeler,
  loads: ModuleLoadTimeline | undefined,
): string {
  const leaf = stack[0];
  const leafName = leaf?.callFrame.functionName ?? '';
  if (leaf !== undefined && leaf.callFrame.url === '' && v8Buckets.has(leafName)) return leafName;
  for (const node of stack) {
    const label = labeler.label(node);
    if (label !== undefined) return label;
  }
  if (loads !== undefined && stack.some((node) => node.callFrame.url.startsWith(esmLoader))) {
    const url = loads.moduleAt(atUs);
    const label = url === undefined ? undefined : labeler.labelModule(url);
    if (label !== undefined) return label;
  }
  return '(node)';
}

/**
 * Attributes every sample of `profile` before `cutoffs.responseUs`.
 *
 * @example
 * ```ts
 * const { labels } = attributeProfile(readCpuProfile(file), { readyUs, responseUs }, new FrameLabeler(entry));
 * ```
 */
export function attributeProfile(
  profile: CpuProfile,
  cutoffs: Cutoffs,
  labeler: FrameLabeler,
  loads?: ModuleLoadTimeline,
): ProfileAttribution {
  const labels = new Map<string, LabelTime>();
  let busyToReadyUs = 0;
  for (const sample of samplesOf(profile)) {
    if (sample.atUs >= cutoffs.responseUs) break;
    const own = ownLabel(sample.stack, sample.atUs, labeler, loads);
    if (sample.atUs >= cutoffs.readyUs) {
      entry(labels, own).readyToResponseUs += sample.durationUs;
      continue;
    }
    entry(labels, own).toReadyUs += sample.durationUs;
    if (own !== '(idle)') busyToReadyUs += sample.durationUs;
    const onStack = new Set<string>([own]);
    for (const node of sample.stack) {
      const label = labeler.label(node);
      if (label !== undefined) onStack.add(label);
    }
    for (const label of onStack) entry(labels, label).inclusiveToReadyUs += sample.durationUs;
  }
  return { labels, busyToReadyUs, scripts: labeler.scripts() };
}
