// The `thaw` dispatcher: parses only the first word and hands the rest to that subcommand, whose
// code is loaded with import() when it runs.
import { readFileSync } from 'node:fs';
import { commands } from './commands.ts';
import { nearestName } from './nearest-name.ts';
import { exitCodeHelp, exitCodes } from './usage-error.ts';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function help(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return [
    'thaw: cold-start optimization for Node functions on Knative',
    '',
    'Usage: thaw <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Options:',
    "  -h, --help     Show this help, or a command's help with `thaw <command> --help`",
    '  -v, --version  Print the version',
    '',
    exitCodeHelp,
    '',
    'Examples:',
    '  thaw dev src/index.ts',
    '  thaw invoke --event --data \'{"id":1}\'',
    '  thaw slim src/index.ts --out deploy',
    '  thaw image --tag registry.example.com/checkout:1 --push deploy',
    "  thaw bench --variant eager='node eager.js' --variant thaw='node deploy/index.js' --runs 30",
  ].join('\n');
}

/**
 * Runs the `thaw` command with its arguments (without `node` and the script) and resolves with
 * the exit code: the subcommand's own, 0 for help and version, 2 (bad arguments) for no command
 * or an unknown one.
 *
 * @example
 * ```ts
 * import { main } from '@thaw/cli';
 *
 * process.exitCode = await main(['slim', 'src/index.ts', '--out', 'deploy']);
 * ```
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    process.stdout.write(`${help()}\n`);
    return first === undefined ? exitCodes.usage : exitCodes.ok;
  }
  if (first === '-v' || first === '--version') {
    process.stdout.write(`${version()}\n`);
    return exitCodes.ok;
  }
  const command = commands.find((candidate) => candidate.name === first);
  if (command === undefined) {
    const names = commands.map((c) => c.name);
    const nearest = first.startsWith('-') ? undefined : nearestName(first, names);
    const what = first.startsWith('-') ? `unknown flag ${first}` : `unknown command "${first}"`;
    process.stderr.write(
      `thaw: ${what}${nearest === undefined ? '.' : `; did you mean ${nearest}?`} Commands: ${names.join(', ')}. See thaw --help.\n`,
    );
    return exitCodes.usage;
  }
  return command.run(rest);
}
