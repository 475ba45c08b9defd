// `thaw slim`: parses the command line into slim() options and prints the size report.
import { resolve } from 'node:path';
import { SlimError } from '../errors.ts';
import type { SlimOptions } from '../options.ts';
import { fromRuntimes, type FromRuntime } from './adapter-entry.ts';
import { parseFlags } from './parse-flags.ts';
import { parseSize } from './parse-size.ts';

/** The help of `thaw slim`; the README's flag table lists the same flags. */
export const slimHelp = `thaw slim: bundle and trace a function into a minimal deploy folder

Usage: thaw slim [entry] [options]

  entry                    Entry module (default: package.json "main", else "exports")

Options:
  -o, --out <dir>          Deploy folder to write (default: deploy); emptied first
  -C, --project <dir>      The function's project folder (default: the current folder)
      --budget <size>      Fail when the deploy folder's runtime files exceed this (5MB, 750KB, 1.5MiB)
      --external <pkg>     Keep a package out of the bundle and trace it (repeatable)
      --include <file>     Copy a project file into the deploy folder (repeatable)
      --from <runtime>     Serve a function written for another runtime unchanged:
                           faas (knative/func, faas-js-runtime) or functions-framework
      --function-target <name>
                           With --from functions-framework: the function to serve
                           (default: $FUNCTION_TARGET when the container starts)
      --target <target>    esbuild target (default: from package.json engines.node)
      --no-minify          Do not minify the bundle
      --no-source-map      Do not write source maps
      --enable-source-maps Start node with --enable-source-maps in the Dockerfile
      --no-compile-cache   Do not ship a V8 compile cache
      --instrumented-as <bundled|external>
                           How packages OpenTelemetry instruments ship (default: bundled, behind
                           a require stub in node_modules; external: their traced files)
      --base-image <ref>   Runtime base image (default: gcr.io/distroless/nodejs<major>-debian12)
      --image <ref>        Image in the Knative Service (default: <name>:latest)
      --min-scale <n>      Knative min-scale (default: 0)
      --max-scale <n>      Knative max-scale, 0 = no limit (default: 0)
      --json               Print the report as JSON on stdout instead of a table
  -h, --help               Show this help

Options also come from thaw.config.{json,js,mjs,ts} or the "thaw" field of package.json;
the command line wins. Writes <out>/thaw-slim.json (read by thaw image), Dockerfile,
.dockerignore, knative/service.yaml and size-report.json. --from writes its wrapper entry
to <project>/.thaw/slim/.

Exit codes:
  0  the deploy folder was written
  1  the build failed (including an exceeded --budget or an unsupported Node)
  2  bad arguments or configuration (unknown flag, missing value, no entry module)

Examples:
  thaw slim src/index.ts --out deploy
  thaw slim --budget 5MB --external sharp
  thaw slim --enable-source-maps --min-scale 1 --image registry.example.com/checkout:1
  thaw slim index.js --from faas`;

const flags = {
  out: { type: 'string', short: 'o' },
  project: { type: 'string', short: 'C' },
  budget: { type: 'string' },
  external: { type: 'string', multiple: true },
  include: { type: 'string', multiple: true },
  from: { type: 'string' },
  'function-target': { type: 'string' },
  target: { type: 'string' },
  minify: { type: 'boolean' },
  'source-map': { type: 'boolean' },
  'enable-source-maps': { type: 'boolean' },
  'compile-cache': { type: 'boolean' },
  'instrumented-as': { type: 'string' },
  'base-image': { type: 'string' },
  image: { type: 'string' },
  'min-scale': { type: 'string' },
  'max-scale': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The flag names of `thaw slim` (the README check compares them with its table). */
export const slimFlagNames: readonly string[] = Object.keys(flags);

function usageError(message: string, cause?: unknown): SlimError {
  return new SlimError('THAW_SLIM_CONFIG_INVALID', message, cause === undefined ? undefined : { cause });
}

function integer(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value))
    throw new SlimError(
      'THAW_SLIM_CONFIG_INVALID',
      `Invalid --${option}: received "${text}"; expected an integer.`,
    );
  return value;
}

type SlimFlagValues = ReturnType<typeof parseFlags<typeof flags>>['values'];

/** Turns `thaw slim` arguments into {@link SlimOptions}; throws on unknown or malformed ones. */
export function parseSlimArgs(args: readonly string[]): {
  options: SlimOptions;
  from: { readonly runtime: FromRuntime; readonly target: string | undefined } | undefined;
  json: boolean;
  help: boolean;
} {
  const { values, positionals } = parseFlags({ args, options: flags, allowNegative: true }, usageError);
  const from = fromFlags(values);
  if (positionals.length > 1) {
    throw new SlimError(
      'THAW_SLIM_CONFIG_INVALID',
      `thaw slim takes one entry module; received ${positionals.length}: ${positionals.join(' ')}.`,
    );
  }
  const given: Record<string, unknown> = {
    projectDir: values.project,
    entry: positionals[0],
    outDir: values.out,
    budgetBytes: budgetOf(values.budget),
    external: values.external,
    include: values.include,
    target: values.target,
    minify: values.minify,
    sourceMap: values['source-map'],
    enableSourceMaps: values['enable-source-maps'],
    compileCache: values['compile-cache'],
    instrumentedAs: instrumentedAsOf(values['instrumented-as']),
    baseImage: values['base-image'],
    knative: knativeOf(values),
  };
  const options = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as SlimOptions;
  return { options, from, json: values.json === true, help: values.help === true };
}

/** --from and --function-target, which only a Functions Framework function takes. */
function fromFlags(
  values: SlimFlagValues,
): { readonly runtime: FromRuntime; readonly target: string | undefined } | undefined {
  const fromText = values.from;
  if (fromText !== undefined && !(fromRuntimes as readonly string[]).includes(fromText)) {
    throw usageError(`Invalid --from: received "${fromText}"; expected ${fromRuntimes.join(' or ')}.`);
  }
  if (values['function-target'] !== undefined && fromText !== 'functions-framework') {
    throw usageError(
      '--function-target names a Functions Framework function; add --from functions-framework.',
    );
  }
  // `thaw dev --target helloHttp` names the function; here --target is esbuild's, so a value that
  // is no esbuild target (es2023, esnext, node22…) was meant for --function-target.
  const target = values.target;
  if (
    fromText === 'functions-framework' &&
    target !== undefined &&
    !target.split(',').every((part) => /^(es(next|\d+)|node(\d+(\.\d+)*)?)$/i.test(part.trim()))
  ) {
    throw usageError(
      `--target is the esbuild target in thaw slim (es2023, node22…); name the Functions Framework function with --function-target ${target}.`,
    );
  }
  return fromText === undefined
    ? undefined
    : { runtime: fromText as FromRuntime, target: values['function-target'] };
}

function budgetOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const budgetBytes = parseSize(text);
  if (budgetBytes === undefined) {
    throw new SlimError(
      'THAW_SLIM_CONFIG_INVALID',
      `Invalid --budget: received "${text}"; expected a size such as 5MB, 750KB or 1.5MiB.`,
    );
  }
  return budgetBytes;
}

function instrumentedAsOf(text: string | undefined): string | undefined {
  if (text !== undefined && text !== 'bundled' && text !== 'external') {
    throw new SlimError(
      'THAW_SLIM_CONFIG_INVALID',
      `Invalid --instrumented-as: received "${text}"; expected bundled or external.`,
    );
  }
  return text;
}

/** The knative settings the flags give (--image, --min-scale, --max-scale), if any. */
function knativeOf(values: SlimFlagValues): Record<string, unknown> | undefined {
  const knative: Record<string, unknown> = {};
  if (values.image !== undefined) knative['image'] = values.image;
  const minScale = integer('min-scale', values['min-scale']);
  const maxScale = integer('max-scale', values['max-scale']);
  if (minScale !== undefined) knative['minScale'] = minScale;
  if (maxScale !== undefined) knative['maxScale'] = maxScale;
  return Object.keys(knative).length > 0 ? knative : undefined;
}

/**
 * `thaw slim`: builds the deploy folder and prints the size report. Exit codes: 0 built, 1 the
 * build failed (including an exceeded budget), 2 bad arguments or configuration.
 *
 * @example
 * ```ts
 * process.exitCode = await runSlimCommand(['src/index.ts', '--out', 'deploy']);
 * ```
 */
export async function runSlimCommand(args: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseSlimArgs>;
  try {
    parsed = parseSlimArgs(args);
  } catch (error) {
    process.stderr.write(
      `thaw slim: ${sentence(error instanceof Error ? error.message : String(error))} See thaw slim --help.\n`,
    );
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(`${slimHelp}\n`);
    return 0;
  }
  const [{ slim }, { formatSizeReport }] = await Promise.all([
    import('../slim.ts'),
    import('../size-report.ts'),
  ]);
  try {
    const options =
      parsed.from === undefined ? parsed.options : await withAdapterEntry(parsed.options, parsed.from);
    const report = await slim(options);
    if (parsed.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      process.stdout.write(`Deploy folder: ${report.outDir}\n${formatSizeReport(report.size)}`);
      process.stdout.write(`compile cache: ${report.compileCache.note}\n`);
    }
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`thaw slim: ${message}\n`);
    return error instanceof SlimError &&
      (error.code === 'THAW_SLIM_CONFIG_INVALID' || error.code === 'THAW_SLIM_ENTRY_NOT_FOUND')
      ? 2
      : 1;
  }
}

// --from: the function's own entry (given, configured or from package.json) is wrapped, and the
// wrapper becomes the entry slim bundles.
async function withAdapterEntry(
  options: SlimOptions,
  from: { readonly runtime: FromRuntime; readonly target: string | undefined },
): Promise<SlimOptions> {
  const [{ loadConfig, readPackageJson }, { resolveEntry }, { resolveSlimOptions }, { writeAdapterEntry }] =
    await Promise.all([
      import('../config.ts'),
      import('../entry.ts'),
      import('../options.ts'),
      import('./adapter-entry.ts'),
    ]);
  const projectDir = resolve(options.projectDir ?? process.cwd());
  const merged = resolveSlimOptions(options, (await loadConfig(projectDir)).config);
  const entryFile = resolveEntry(projectDir, merged.entry, readPackageJson(projectDir));
  return { ...options, entry: writeAdapterEntry(projectDir, entryFile, from.runtime, from.target) };
}

// A message as a sentence: ends in `.`, `?` or `!`, so a hint can follow it.
function sentence(message: string): string {
  return /[.?!]$/.test(message) ? message : `${message}.`;
}
