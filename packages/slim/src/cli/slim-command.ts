import { parseArgs } from 'node:util';
import { SlimError } from '../errors.ts';
import type { SlimOptions } from '../options.ts';
import { parseSize } from './parse-size.ts';

const help = `thaw slim: bundle and trace a function into a minimal deploy folder

Usage: thaw slim [entry] [options]

  entry                    Entry module (default: package.json "main", else "exports")

Options:
  -o, --out <dir>          Deploy folder to write (default: deploy); emptied first
  -C, --project <dir>      The function's project folder (default: the current folder)
      --budget <size>      Fail when the deploy folder's runtime files exceed this (5MB, 750KB, 1.5MiB)
      --external <pkg>     Keep a package out of the bundle and trace it (repeatable)
      --include <file>     Copy a project file into the deploy folder (repeatable)
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
      --json               Print the report as JSON instead of a table
  -h, --help               Show this help

Options also come from thaw.config.{json,js,mjs,ts} or the "thaw" field of package.json;
the command line wins. Writes <out>/thaw-slim.json (read by thaw image), Dockerfile,
.dockerignore, knative/service.yaml and size-report.json.

Examples:
  thaw slim src/index.ts --out deploy
  thaw slim --budget 5MB --external sharp
  thaw slim --enable-source-maps --min-scale 1 --image registry.example.com/checkout:1`;

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

/** Turns `thaw slim` arguments into {@link SlimOptions}; throws on unknown or malformed ones. */
export function parseSlimArgs(args: readonly string[]): {
  options: SlimOptions;
  json: boolean;
  help: boolean;
} {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    allowNegative: true,
    options: {
      out: { type: 'string', short: 'o' },
      project: { type: 'string', short: 'C' },
      budget: { type: 'string' },
      external: { type: 'string', multiple: true },
      include: { type: 'string', multiple: true },
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
    },
  });
  if (positionals.length > 1) {
    throw new SlimError(
      'THAW_SLIM_CONFIG_INVALID',
      `thaw slim takes one entry module; received ${positionals.length}: ${positionals.join(' ')}.`,
    );
  }
  let budgetBytes: number | undefined;
  if (values.budget !== undefined) {
    budgetBytes = parseSize(values.budget);
    if (budgetBytes === undefined) {
      throw new SlimError(
        'THAW_SLIM_CONFIG_INVALID',
        `Invalid --budget: received "${values.budget}"; expected a size such as 5MB, 750KB or 1.5MiB.`,
      );
    }
  }
  const instrumentedAs = values['instrumented-as'];
  if (instrumentedAs !== undefined && instrumentedAs !== 'bundled' && instrumentedAs !== 'external') {
    throw new SlimError(
      'THAW_SLIM_CONFIG_INVALID',
      `Invalid --instrumented-as: received "${instrumentedAs}"; expected bundled or external.`,
    );
  }
  const knative: Record<string, unknown> = {};
  if (values.image !== undefined) knative['image'] = values.image;
  const minScale = integer('min-scale', values['min-scale']);
  const maxScale = integer('max-scale', values['max-scale']);
  if (minScale !== undefined) knative['minScale'] = minScale;
  if (maxScale !== undefined) knative['maxScale'] = maxScale;
  const given: Record<string, unknown> = {
    projectDir: values.project,
    entry: positionals[0],
    outDir: values.out,
    budgetBytes,
    external: values.external,
    include: values.include,
    target: values.target,
    minify: values.minify,
    sourceMap: values['source-map'],
    enableSourceMaps: values['enable-source-maps'],
    compileCache: values['compile-cache'],
    instrumentedAs,
    baseImage: values['base-image'],
    knative: Object.keys(knative).length > 0 ? knative : undefined,
  };
  const options = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as SlimOptions;
  return { options, json: values.json === true, help: values.help === true };
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
      `thaw slim: ${error instanceof Error ? error.message : String(error)}\nSee thaw slim --help.\n`,
    );
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const [{ slim }, { formatSizeReport }] = await Promise.all([
    import('../slim.ts'),
    import('../size-report.ts'),
  ]);
  try {
    const report = await slim(parsed.options);
    if (parsed.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      process.stdout.write(`Deploy folder: ${report.outDir}\n${formatSizeReport(report.size)}`);
      process.stdout.write(`compile cache: ${report.compileCache.note}\n`);
    }
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`thaw slim: ${message}\n`);
    return error instanceof SlimError && error.code === 'THAW_SLIM_CONFIG_INVALID' ? 2 : 1;
  }
}
