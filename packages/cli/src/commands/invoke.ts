import type { Command } from './command.ts';

/** `thaw invoke`: one request (plain or a CloudEvent) to a running function. */
export const invokeCommand: Command = {
  name: 'invoke',
  summary: 'Send a request or a CloudEvent to a running function and print the answer.',
  run: async (args) => (await import('../invoke/invoke-command.ts')).runInvokeCommand(args),
};
