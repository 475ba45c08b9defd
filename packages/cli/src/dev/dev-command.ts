// `thaw dev`: runs a function locally as production runs it (the same runtime, readiness and
// graceful shutdown), rebuilt and restarted on every change, with the project's .env, PORT 8080
// by default, readable logs on a terminal and a one-line startup summary at each start.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseFlags } from '../parse-flags.ts';
import { exitCodeHelp, exitCodes, UsageError } from '../usage-error.ts';
import { fromRuntimes, type FromRuntime } from './adapter-entry.ts';
import { startDevBuild } from './dev-build.ts';
import { FunctionProcess } from './function-process.ts';
import { humanLine, startupSummary } from './log-view.ts';

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

/** Parsed `thaw dev` arguments. */
export interface DevArgs {
  readonly projectDir: string;
  readonly entry: string;
  readonly port: string;
  readonly from: FromRuntime | undefined;
  readonly target: string | undefined;
  readonly watch: boolean;
  readonly json: boolean;
  readonly help: boolean;
}

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
  const say = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  const lines = (write: (line: string) => void): ((chunk: string) => void) => {
    let pending = '';
    return (chunk) => {
      pending += chunk;
      let at = pending.indexOf('\n');
      while (at !== -1) {
        const line = pending.slice(0, at);
        pending = pending.slice(at + 1);
        write(dev.json ? line : humanLine(line));
        at = pending.indexOf('\n');
      }
    };
  };
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });
  let outfile = '';
  let markBuilt: () => void = () => undefined;
  const builtOnce = new Promise<void>((resolve) => {
    markBuilt = resolve;
  });
  const fn = new FunctionProcess({
    projectDir: dev.projectDir,
    outfile: () => outfile,
    env: {
      ...process.env,
      PORT: dev.port,
      ...(dev.target === undefined ? {} : { FUNCTION_TARGET: dev.target }),
    },
    stopGraceMs: 25_000,
    onStdout: lines((line) => process.stdout.write(`${line}\n`)),
    onStderr: lines(say),
    onReady: (report) => {
      say(startupSummary(report));
    },
    onExit: (code, signal) => {
      if (stopping) return;
      say(
        `thaw dev: the function exited (${signal ?? `code ${String(code)}`}); waiting for a change to restart it.`,
      );
      if (!dev.watch) finish(code === 0 ? exitCodes.ok : exitCodes.failed);
    },
  });
  let stopping = false;
  let restarts = Promise.resolve();
  const build = await startDevBuild({
    projectDir: dev.projectDir,
    entry: dev.entry,
    from: dev.from,
    target: dev.target,
    watch: dev.watch,
    onBuilt: (result) => {
      if (!result.ok) {
        say(
          `thaw dev: the build failed; fix it and save:\n${result.errors.map((error) => `  ${error}`).join('\n')}`,
        );
        return;
      }
      restarts = restarts.then(() => builtOnce).then(() => (stopping ? undefined : fn.restart()));
    },
  });
  outfile = build.outfile;
  markBuilt();
  say(
    `thaw dev: ${dev.entry}${dev.from === undefined ? '' : ` (--from ${dev.from})`} on http://127.0.0.1:${dev.port}; Ctrl-C stops it.`,
  );
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      if (dev.watch) await build.context.dispose();
      await restarts;
      await fn.stop();
      finish(exitCodes.ok);
    })();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const code = await finished;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  return code;
}
