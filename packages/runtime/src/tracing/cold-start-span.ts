// The startup timeline replayed as spans: one root `cold start` span per process, starting at
// process start, with a child per recorded phase. Everything is backdated to the times the
// marks hold, so the trace shows where the cold start went even though the tracer only came to
// exist after the first response.
import type { Attributes, SpanContext, Tracer } from '@opentelemetry/api';
import type { StatsProvider } from '../lifecycle.ts';
import { nodeBootstrapMarks, readMarks, type StartupMark } from '../startup/marks.ts';
import { takeModuleProfile } from '../startup/module-profile.ts';
import { moduleLoadSpans } from './module-spans.ts';
import {
  ATTR_FAAS_COLDSTART,
  ATTR_THAW_MARKS_DROPPED,
  ATTR_THAW_MODULE_PROFILE_INTERVAL_US,
  ATTR_THAW_MODULE_PROFILE_UNTIL,
  ATTR_THAW_PHASE_KIND,
  ATTR_THAW_REPLAYED,
  thawResourceStatPrefix,
} from './semconv.ts';
import type { OtelApi } from './otel.ts';
import { hrTimeSinceStart } from './span-time.ts';

/** Marks whose names the module-load span is measured between. */
export const moduleLoadMarks = { from: 'runtime imported', to: 'serve called' } as const;

/** One child of the root span, in ms since process start. */
export interface PhaseSpan {
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly kind: 'node' | 'phase' | 'milestone' | 'module';
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * The children of the `cold start` span: Node's bootstrap phases, the module load (runtime
 * imported → serve called), every recorded phase with its attributes, and every milestone (a
 * point mark such as `listening` or `ready`) as the stretch of time since the milestone before
 * it, so that the children tile the timeline instead of being zero-length.
 *
 * @example
 * ```ts
 * coldStartPhases(nodeBootstrapMarks(), readMarks().marks).map((phase) => phase.name);
 * ```
 */
export function coldStartPhases(
  bootstrap: readonly StartupMark[],
  marks: readonly StartupMark[],
): PhaseSpan[] {
  const phases: PhaseSpan[] = bootstrap.map((mark) => ({ ...mark, kind: 'node' as const }));
  const from = marks.find((mark) => mark.name === moduleLoadMarks.from);
  const to = marks.find((mark) => mark.name === moduleLoadMarks.to);
  if (from !== undefined && to !== undefined && to.startMs >= from.startMs) {
    phases.push({ name: 'module load', startMs: from.startMs, endMs: to.startMs, kind: 'phase' });
  }
  const bootstrapEnd = bootstrap.reduce((latest, mark) => Math.max(latest, mark.endMs), 0);
  const points = marks.filter((mark) => mark.endMs === mark.startMs).sort((a, b) => a.startMs - b.startMs);
  let previous = bootstrapEnd;
  for (const point of points) {
    const startMs = Math.min(previous, point.startMs);
    phases.push({
      name: point.name,
      startMs,
      endMs: point.startMs,
      kind: 'milestone',
      ...withAttributes(point),
    });
    previous = point.startMs;
  }
  for (const mark of marks) {
    if (mark.endMs === mark.startMs) continue;
    phases.push({
      name: mark.name,
      startMs: mark.startMs,
      endMs: Math.max(mark.endMs, mark.startMs),
      kind: 'phase',
      ...withAttributes(mark),
    });
  }
  return phases;
}

/**
 * Replays the startup timeline as a `cold start` trace. The root starts at process start and
 * ends with the last phase; pool and resource gauges are set on it as `thaw.resource.<name>.<gauge>`;
 * it links to the span of the cold-start invocation, which usually lives in the caller's trace.
 * Returns the root's trace id.
 */
export function replayColdStart(
  api: OtelApi,
  tracer: Tracer,
  options: {
    readonly stats: ReadonlyMap<string, StatsProvider>;
    readonly extraPhases?: readonly PhaseSpan[];
    readonly attributes?: Attributes;
    readonly coldInvocation?: SpanContext;
  },
): string {
  const { marks, dropped } = readMarks();
  const modules = moduleSpansOf(marks);
  const phases = [
    ...coldStartPhases(nodeBootstrapMarks(), marks),
    ...(options.extraPhases ?? []),
    ...(modules?.spans ?? []),
  ];
  const endMs = phases.reduce((latest, phase) => Math.max(latest, phase.endMs), 0);
  const attributes: Attributes = {
    [ATTR_FAAS_COLDSTART]: true,
    [ATTR_THAW_MARKS_DROPPED]: dropped,
    [ATTR_THAW_REPLAYED]: true,
    ...modules?.attributes,
    ...options.attributes,
  };
  addResourceGauges(attributes, options.stats);
  const root = tracer.startSpan(
    'cold start',
    {
      root: true,
      kind: api.SpanKind.INTERNAL,
      attributes,
      startTime: hrTimeSinceStart(0),
      links: options.coldInvocation === undefined ? [] : [{ context: options.coldInvocation }],
    },
    api.ROOT_CONTEXT,
  );
  const parent = api.trace.setSpan(api.ROOT_CONTEXT, root);
  for (const phase of phases) {
    const span = tracer.startSpan(
      phase.name,
      {
        kind: api.SpanKind.INTERNAL,
        attributes: { ...phase.attributes, [ATTR_THAW_PHASE_KIND]: phase.kind },
        startTime: hrTimeSinceStart(phase.startMs),
      },
      parent,
    );
    span.end(hrTimeSinceStart(phase.endMs));
  }
  root.end(hrTimeSinceStart(endMs));
  return root.spanContext().traceId;
}

/** Each pool's and resource's gauges, as `thaw.resource.<name>.<gauge>` attributes. */
function addResourceGauges(attributes: Attributes, stats: ReadonlyMap<string, StatsProvider>): void {
  for (const [name, provider] of stats) {
    try {
      for (const [gauge, value] of Object.entries(provider())) {
        attributes[`${thawResourceStatPrefix}${name}.${gauge}`] = value;
      }
    } catch {
      // A failing stats provider must not cost the trace; /metrics reports the same gauges.
    }
  }
}

/**
 * The module-load spans, when a module profile ran (`THAW_OTEL_MODULE_SPANS=1`): its samples up
 * to the first response (or ready, or the end of the profile) charged to packages.
 */
function moduleSpansOf(
  marks: readonly StartupMark[],
): { spans: PhaseSpan[]; attributes: Attributes } | undefined {
  const taken = takeModuleProfile();
  if (taken === undefined) return undefined;
  const until =
    marks.find((mark) => mark.name === 'first response') ?? marks.find((mark) => mark.name === 'ready');
  try {
    return {
      spans: moduleLoadSpans(taken, until?.startMs ?? Infinity),
      attributes: {
        [ATTR_THAW_MODULE_PROFILE_INTERVAL_US]: taken.intervalUs,
        [ATTR_THAW_MODULE_PROFILE_UNTIL]: until?.name ?? 'profile end',
      },
    };
  } catch {
    // Unreadable source maps or an odd profile cost the module spans, never the cold start trace.
    return undefined;
  }
}

function withAttributes(mark: StartupMark): {
  attributes?: Readonly<Record<string, string | number | boolean>>;
} {
  return mark.attributes === undefined ? {} : { attributes: mark.attributes };
}
