// The public surface of @thaw/cli: the `thaw` command as a function. Named re-exports only.
export { main } from './thaw.ts';
export type { Command } from './commands/command.ts';
