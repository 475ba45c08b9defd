import { readFileSync } from 'node:fs';
import { nodeModulesPathOf } from './package-name.ts';

// Instrumentations that name their module through a constant, not a literal the scan can read.
const knownTargets: Readonly<Record<string, readonly string[]>> = {
  '@opentelemetry/instrumentation-pg': ['pg', 'pg-pool'],
  '@opentelemetry/instrumentation-ioredis': ['ioredis'],
  '@opentelemetry/instrumentation-redis': ['redis', '@redis/client'],
  '@opentelemetry/instrumentation-mysql': ['mysql'],
  '@opentelemetry/instrumentation-mysql2': ['mysql2'],
  '@opentelemetry/instrumentation-mongodb': ['mongodb'],
  '@opentelemetry/instrumentation-express': ['express'],
  '@opentelemetry/instrumentation-koa': ['koa', '@koa/router'],
  '@opentelemetry/instrumentation-graphql': ['graphql'],
  '@opentelemetry/instrumentation-knex': ['knex'],
  '@opentelemetry/instrumentation-generic-pool': ['generic-pool'],
  '@opentelemetry/instrumentation-grpc': ['@grpc/grpc-js'],
  '@opentelemetry/instrumentation-kafkajs': ['kafkajs'],
  '@opentelemetry/instrumentation-amqplib': ['amqplib'],
  '@opentelemetry/instrumentation-pino': ['pino'],
  '@opentelemetry/instrumentation-winston': ['winston'],
};

const definition = /InstrumentationNodeModuleDefinition\)?\(\s*["'`]([^"'`]+)["'`]/g;

/** What the bundle's inputs say about OpenTelemetry instrumentation. */
export interface InstrumentationScan {
  /** Instrumentation packages bundled into the function. */
  readonly instrumentations: readonly string[];
  /** Modules those instrumentations patch through `require` hooks. */
  readonly patchedModules: readonly string[];
  /** Which instrumentation patches each module. */
  readonly patchedBy: ReadonlyMap<string, string>;
}

/**
 * Finds the OpenTelemetry instrumentations among a bundle's input files and the modules they
 * patch, read from their `InstrumentationNodeModuleDefinition("name", …)` calls (plus a table for
 * the few that pass a constant).
 *
 * @example
 * ```ts
 * const scan = scanInstrumentations(Object.keys(metafile.inputs).map((f) => resolve(projectDir, f)));
 * scan.patchedModules; // ['ioredis', 'pg', 'pg-pool']
 * ```
 */
export function scanInstrumentations(inputFiles: readonly string[]): InstrumentationScan {
  const instrumentations = new Set<string>();
  const patched = new Map<string, string>();
  for (const file of inputFiles) {
    const location = nodeModulesPathOf(file);
    if (location === null) continue;
    const known = knownTargets[location.packageName];
    if (known !== undefined) {
      instrumentations.add(location.packageName);
      for (const name of known) patched.set(name, location.packageName);
    }
    if (!/\.(c|m)?js$/.test(file)) continue;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    if (!text.includes('InstrumentationNodeModuleDefinition')) continue;
    for (const match of text.matchAll(definition)) {
      const name = match[1];
      if (name === undefined || name.startsWith('.')) continue;
      if (location.packageName === '@opentelemetry/instrumentation') continue;
      instrumentations.add(location.packageName);
      if (!patched.has(name)) patched.set(name, location.packageName);
    }
  }
  return {
    instrumentations: [...instrumentations].sort(),
    patchedModules: [...patched.keys()].sort(),
    patchedBy: patched,
  };
}

/**
 * The patched modules the function really loads: those among the bundle's inputs or imports.
 *
 * @example
 * ```ts
 * modulesToKeepExternal(scan, new Set(['pg', 'cloudevents'])); // ['pg']
 * ```
 */
export function modulesToKeepExternal(
  scan: InstrumentationScan,
  packagesInGraph: ReadonlySet<string>,
): string[] {
  return scan.patchedModules.filter((name) => packagesInGraph.has(name));
}
