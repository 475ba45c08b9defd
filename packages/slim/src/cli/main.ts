#!/usr/bin/env node
// The `thaw` command. It only parses the first word and loads that subcommand's code with
// import(), so `thaw --help` and each subcommand pay for nothing they do not use.
import { readFileSync } from 'node:fs';

interface Subcommand {
  readonly summary: string;
  readonly run: (args: readonly string[]) => Promise<number>;
}

const subcommands: Readonly<Record<string, Subcommand>> = {
  slim: {
    summary:
      'Bundle and trace a function into a minimal deploy folder, with Dockerfile and Knative manifests.',
    run: async (args) => (await import('./slim-command.ts')).runSlimCommand(args),
  },
  image: {
    summary: "Build the function's OCI image from a deploy folder and push it, without Docker.",
    run: async (args) => (await import('./image-command.ts')).runImageCommand(args),
  },
  bench: {
    summary: 'Measure cold starts: fresh processes, interleaved variants, statistics and charts.',
    run: async (args) => (await import('@thaw/bench/cli')).runBenchCli(args),
  },
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function help(): string {
  const width = Math.max(...Object.keys(subcommands).map((name) => name.length));
  const lines = Object.entries(subcommands).map(([name, cmd]) => `  ${name.padEnd(width)}  ${cmd.summary}`);
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
    'Examples:',
    '  thaw slim src/index.ts --out deploy',
    '  thaw image --tag registry.example.com/checkout:1 --push deploy',
    "  thaw bench --variant eager='node eager.js' --variant thaw='node deploy/index.js' --runs 30",
  ].join('\n');
}

/** Runs the CLI and resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    process.stdout.write(`${help()}\n`);
    return first === undefined ? 1 : 0;
  }
  if (first === '-v' || first === '--version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const command = subcommands[first];
  if (command === undefined) {
    process.stderr.write(
      `thaw: unknown command "${first}". Commands: ${Object.keys(subcommands).join(', ')}. See thaw --help.\n`,
    );
    return 2;
  }
  return command.run(rest);
}

process.exitCode = await main(process.argv.slice(2));
