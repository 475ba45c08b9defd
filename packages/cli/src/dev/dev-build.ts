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

/** Starts the build (watching, or once); `onBuilt` is called after every build, the first one included. */
export async function startDevBuild(fields: {
  readonly projectDir: string;
  readonly entry: string;
  readonly from: FromRuntime | undefined;
  readonly target: string | undefined;
  readonly watch: boolean;
  readonly onBuilt: (result: DevBuildResult) => void;
}): Promise<DevBuild> {
  const outDir = join(fields.projectDir, '.thaw', 'dev');
  mkdirSync(outDir, { recursive: true });
  const commonJs = isCommonJs(fields.projectDir, fields.entry);
  let entryPoint = fields.entry;
  if (fields.from !== undefined) {
    // The wrapper imports the function by a path relative to itself; esbuild bundles both.
    let specifier = relative(outDir, resolve(fields.projectDir, fields.entry)).split(sep).join('/');
    if (!specifier.startsWith('.')) specifier = `./${specifier}`;
    entryPoint = join(outDir, 'adapter-entry.mjs');
    writeFileSync(entryPoint, adapterEntrySource(fields.from, specifier, fields.target));
  }
  const format = commonJs && fields.from === undefined ? 'cjs' : 'esm';
  const outfile = join(outDir, format === 'cjs' ? 'index.cjs' : 'index.mjs');
  const report: Plugin = {
    name: 'thaw-dev-report',
    setup(build) {
      build.onEnd((result) => {
        fields.onBuilt({
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
  const built = await context({
    absWorkingDir: fields.projectDir,
    entryPoints: [entryPoint],
    outfile,
    bundle: true,
    platform: 'node',
    format,
    target: `node${process.versions.node.split('.')[0] ?? '22'}`,
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'silent',
    // An ES bundle of CommonJS code needs require() for the packages it keeps external.
    ...(format === 'esm'
      ? {
          banner: {
            js: "import { createRequire as __thawCreateRequire } from 'node:module'; const require = __thawCreateRequire(import.meta.url);",
          },
        }
      : {}),
    plugins: [report],
  });
  if (fields.watch) await built.watch();
  else {
    await built.rebuild().catch(() => undefined);
    await built.dispose();
  }
  return { outfile, context: built };
}
