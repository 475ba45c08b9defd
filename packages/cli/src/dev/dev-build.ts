// The build behind `thaw dev`: esbuild bundles the entry (TypeScript or JavaScript) with every
// package left external, so node_modules load as they are, into .thaw/dev/ in the project, and
// rebuilds on every change of a source file; each finished build restarts the function.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { context, type BuildContext, type Plugin } from 'esbuild';
import { adapterEntrySource, type FromRuntime } from './adapter-entry.ts';

/** What a build produced. */
export interface DevBuildResult {
  readonly ok: boolean;
  /** esbuild's errors, formatted. */
  readonly errors: readonly string[];
}

/** The file node runs, and the live build. */
export interface DevBuild {
  readonly outfile: string;
  readonly context: BuildContext;
}

/** True when the project (or the entry's extension) makes the entry CommonJS. */
export function isCommonJs(projectDir: string, entry: string): boolean {
  if (entry.endsWith('.cjs') || entry.endsWith('.cts')) return true;
  if (entry.endsWith('.mjs') || entry.endsWith('.mts')) return false;
  const pkg = join(projectDir, 'package.json');
  if (!existsSync(pkg)) return true;
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: string }).type !== 'module';
}

/** What {@link startDevBuild} builds, and who hears of each build. */
export interface DevBuildFields {
  readonly projectDir: string;
  readonly entry: string;
  readonly from: FromRuntime | undefined;
  readonly target: string | undefined;
  readonly watch: boolean;
  readonly onBuilt: (result: DevBuildResult) => void;
}

/** Starts the build (watching, or once); `onBuilt` is called after every build, the first one included. */
export async function startDevBuild(fields: DevBuildFields): Promise<DevBuild> {
  const outDir = join(fields.projectDir, '.thaw', 'dev');
  mkdirSync(outDir, { recursive: true });
  const format = isCommonJs(fields.projectDir, fields.entry) && fields.from === undefined ? 'cjs' : 'esm';
  const outfile = join(outDir, format === 'cjs' ? 'index.cjs' : 'index.mjs');
  const built = await context({
    absWorkingDir: fields.projectDir,
    entryPoints: [entryPoint(fields, outDir)],
    outfile,
    bundle: true,
    platform: 'node',
    format,
    target: `node${process.versions.node.split('.')[0] ?? '22'}`,
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'silent',
    // An ES bundle of CommonJS code needs require() for the packages it keeps external.
    ...(format === 'esm' ? { banner: { js: requireBanner } } : {}),
    plugins: [reportPlugin(fields.onBuilt)],
  });
  if (fields.watch) await built.watch();
  else {
    await built.rebuild().catch(() => undefined);
    await built.dispose();
  }
  return { outfile, context: built };
}

const requireBanner =
  "import { createRequire as __thawCreateRequire } from 'node:module'; const require = __thawCreateRequire(import.meta.url);";

// The entry itself, or with --from a wrapper that imports it by a path relative to itself
// (esbuild bundles both).
function entryPoint(fields: DevBuildFields, outDir: string): string {
  if (fields.from === undefined) return fields.entry;
  let specifier = relative(outDir, resolve(fields.projectDir, fields.entry)).split(sep).join('/');
  if (!specifier.startsWith('.')) specifier = `./${specifier}`;
  const wrapper = join(outDir, 'adapter-entry.mjs');
  writeFileSync(wrapper, adapterEntrySource(fields.from, specifier, fields.target));
  return wrapper;
}

/** Hands each finished build's outcome to `onBuilt`, errors formatted as `file:line:column: text`. */
function reportPlugin(onBuilt: (result: DevBuildResult) => void): Plugin {
  return {
    name: 'thaw-dev-report',
    setup(build) {
      build.onEnd((result) => {
        onBuilt({
          ok: result.errors.length === 0,
          errors: result.errors.map((error) =>
            error.location === null
              ? error.text
              : `${error.location.file}:${String(error.location.line)}:${String(error.location.column)}: ${error.text}`,
          ),
        });
      });
    },
  };
}
