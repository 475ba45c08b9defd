import type { Command } from './command.ts';

/** `thaw bench`: implemented by @thaw/bench. */
export const benchCommand: Command = {
  name: 'bench',
  summary: 'Measure cold starts: fresh processes, interleaved variants, statistics and charts.',
  run: async (args) => (await import('@thaw/bench/cli')).runBenchCli(args),
};
