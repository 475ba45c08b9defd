import type { Command } from './command.ts';

/** `thaw slim`: implemented by @thaw/slim. */
export const slimCommand: Command = {
  name: 'slim',
  summary: 'Bundle and trace a function into a minimal deploy folder, with Dockerfile and Knative manifests.',
  run: async (args) => (await import('@thaw/slim/cli')).runSlimCommand(args),
};
