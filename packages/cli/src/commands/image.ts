import type { Command } from './command.ts';

/** `thaw image`: implemented by @thaw/slim. */
export const imageCommand: Command = {
  name: 'image',
  summary: "Build the function's OCI image from a deploy folder and push it, without Docker.",
  run: async (args) => (await import('@thaw/slim/cli')).runImageCommand(args),
};
