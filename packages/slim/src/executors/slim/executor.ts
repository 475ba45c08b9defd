import { resolve } from 'node:path';
import { slim } from '../../slim.ts';
import type { SlimOptions } from '../../options.ts';

/** Options of the `@thaw/slim:slim` Nx executor: {@link SlimOptions} plus the budget as bytes. */
export type SlimExecutorOptions = Omit<SlimOptions, 'logger' | 'projectDir'> & {
  /** The function's project folder, relative to the workspace root. @default the Nx project's root */
  readonly projectDir?: string;
};

interface ExecutorContext {
  readonly root: string;
  readonly projectName?: string;
  readonly projectsConfigurations?: {
    readonly projects: Readonly<Record<string, { readonly root: string }>>;
  };
}

/**
 * The Nx executor `@thaw/slim:slim`: runs {@link slim} for the project (its root is the default
 * `projectDir`) and reports success to Nx.
 *
 * @example
 * ```json
 * { "targets": { "slim": { "executor": "@thaw/slim:slim", "options": { "outDir": "deploy", "budgetBytes": 5000000 } } } }
 * ```
 */
export default async function slimExecutor(
  options: SlimExecutorOptions,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const projectRoot =
    context.projectName === undefined
      ? undefined
      : context.projectsConfigurations?.projects[context.projectName]?.root;
  const projectDir = resolve(context.root, options.projectDir ?? projectRoot ?? '.');
  try {
    const report = await slim({ ...options, projectDir });
    process.stdout.write(
      `thaw slim: wrote ${report.outDir} (${report.size.output.files} files, ${report.size.output.bytes} bytes)\n`,
    );
    return { success: true };
  } catch (error) {
    process.stderr.write(`thaw slim: ${error instanceof Error ? error.message : String(error)}\n`);
    return { success: false };
  }
}
