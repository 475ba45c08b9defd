import type { Command } from './command.ts';

/** `thaw dev`: the function run locally, rebuilt and restarted on change. */
export const devCommand: Command = {
  name: 'dev',
  summary:
    'Run a function locally, restarted on every change, with .env, readable logs and a startup summary.',
  run: async (args) => (await import('../dev/dev-command.ts')).runDevCommand(args),
};
