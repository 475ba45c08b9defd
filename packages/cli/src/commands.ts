// Every `thaw` subcommand, in the order `thaw --help` lists them. A new command is one file in
// `commands/` (a `Command`: name, summary, a `run` that loads its code with `import()`) and one
// line here.
import { benchCommand } from './commands/bench.ts';
import { devCommand } from './commands/dev.ts';
import type { Command } from './commands/command.ts';
import { imageCommand } from './commands/image.ts';
import { invokeCommand } from './commands/invoke.ts';
import { slimCommand } from './commands/slim.ts';

/** The subcommands of `thaw`, in help order. */
export const commands: readonly Command[] = [
  devCommand,
  invokeCommand,
  slimCommand,
  imageCommand,
  benchCommand,
];
