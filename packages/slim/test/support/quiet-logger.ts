import type { SlimLogger } from '../../src/options.ts';

/** A logger that keeps messages for assertions instead of printing them. */
export function recordingLogger(): SlimLogger & { readonly messages: string[] } {
  const messages: string[] = [];
  return {
    messages,
    info: (message) => messages.push(`info: ${message}`),
    warn: (message) => messages.push(`warn: ${message}`),
  };
}
