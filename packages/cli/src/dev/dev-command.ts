// `thaw dev`: runs a function locally as production runs it (the same runtime, readiness and
// graceful shutdown), rebuilt and restarted on every change, with the project's .env, PORT 8080
// by default, readable logs on a terminal and a one-line startup summary at each start.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseFlags } from '../parse-flags.ts';
import { exitCodeHelp, exitCodes, UsageError } from '../usage-error.ts';
import { fromRuntimes, type FromRuntime } from './adapter-entry.ts';
import { type DevArgs, DevSession } from './dev-session.ts';

export type { DevArgs } from './dev-session.ts';

/** The help of `thaw dev`; the README lists the same flags. */
export const devHelp = `thaw dev: run a function locally, restarted on every change

Usage: thaw dev [entry] [options]

  entry                    Entry module, TypeScript or JavaScript (default: package.json "main",
                           else src/index.ts, index.ts, src/index.js, index.js)

Options:
  -p, --port <port>        Port to listen on (default: $PORT, else 8080)
  -C, --project <dir>      The function's project folder (default: the current folder)
      --from <runtime>     Serve a function written for another runtime unchanged:
                           faas (knative/func, faas-js-runtime) or functions-framework
      --target <name>      The Functions Framework function to serve (default: $FUNCTION_TARGET)
      --function-target <name>
                           The same as --target, spelled as thaw slim spells it
      --no-watch           Build and run once, no restarts
      --json               Leave the function's log lines as JSON (default off a terminal)
  -h, --help               Show this help

Loads <project>/.env into the function's environment (Node's --env-file). Builds into
<project>/.thaw/dev/. Ctrl-C stops the function (SIGTERM: it drains as in production) and exits.

${exitCodeHelp}

Examples:
  thaw dev
  thaw dev src/index.ts --port 3000
  thaw dev index.js --from faas
  thaw dev --from functions-framework --target helloHttp index.js`;

const options = {
  port: { type: 'string', short: 'p' },
  project: { type: 'string', short: 'C' },
  from: { type: 'string' },
  target: { type: 'string' },
  'function-target': { type: 'string' },
  watch: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The option names of `thaw dev` (for the help/README check). */
export const devOptionNames: readonly string[] = Object.keys(options);

const defaultEntries = ['src/index.ts', 'index.ts', 'src/index.js', 'index.js', 'src/index.mjs', 'index.mjs'];

/** Parses `thaw dev` arguments; throws {@link UsageError}. */
export function parseDevArgs(args: readonly string[], env: NodeJS.ProcessEnv = process.env): DevArgs {
  const { values, positionals } = parseFlags(
    { args, options, allowNegative: true },
    (message) => new UsageError(`${message} See thaw dev --help.`),
  );
  const help = values.help ?? false;
  const projectDir = resolve(values.project ?? '.');
  if (positionals.length > 1) throw new UsageError(`thaw dev takes one entry, not ${positionals.join(' ')}.`);
  const from = values.from;
  if (from !== undefined && !(fromRuntimes as readonly string[]).includes(from)) {
    throw new UsageError(`--from must be one of ${fromRuntimes.join(', ')}, not "${from}".`);
  }
  const target = values['function-target'] ?? values.target;
  if (values.target !== undefined && target !== values.target) {
    throw new UsageError('--target and --function-target name the same function; give one of them.');
  }
  const port = values.port ?? (env['PORT'] === undefined || env['PORT'] === '' ? '8080' : env['PORT']);
  if (!/^\d+$/.test(port) || Number(port) > 65_535)
    throw new UsageError(`--port must be a port number, not "${port}".`);
  const entry = help ? '' : (positionals[0] ?? defaultEntry(projectDir));
  if (!help && !existsSync(resolve(projectDir, entry))) {
    throw new UsageError(
      `The entry ${entry} does not exist in ${projectDir}. Name it: thaw dev src/index.ts.`,
    );
  }
  return {
    projectDir,
    entry,
    port,
    from: from as FromRuntime | undefined,
    target,
    watch: values.watch ?? true,
    json: values.json ?? !process.stderr.isTTY,
    help,
  };
}

function defaultEntry(projectDir: string): string {
  const pkgFile = join(projectDir, 'package.json');
  if (existsSync(pkgFile)) {
    const main = (JSON.parse(readFileSync(pkgFile, 'utf8')) as { main?: unknown }).main;
    if (typeof main === 'string' && existsSync(join(projectDir, main))) return main;
  }
  const found = defaultEntries.find((candidate) => existsSync(join(projectDir, candidate)));
  if (found === undefined) {
    throw new UsageError(
      `No entry found in ${projectDir} (tried package.json "main", ${defaultEntries.join(', ')}). Name it: thaw dev src/index.ts.`,
    );
  }
  return found;
}

/**
 * Runs `thaw dev` until Ctrl-C (or, with --no-watch, until the function exits) and resolves with
 * the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runDevCommand(['src/index.ts', '--port', '3000']);
 * ```
 */
export async function runDevCommand(args: readonly string[]): Promise<number> {
  const dev = parsedOrExitCode(args);
  return typeof dev === 'number' ? dev : new DevSession(dev).run();
}

// The arguments, or the exit code when there is nothing to run (bad usage, --help).
function parsedOrExitCode(args: readonly string[]): DevArgs | number {
  let dev: DevArgs;
  try {
    dev = parseDevArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`thaw dev: ${error.message}\n`);
    return exitCodes.usage;
  }
  if (dev.help) {
    process.stdout.write(`${devHelp}\n`);
    return exitCodes.ok;
  }
  return dev;
}
