// The public surface of @thaw/slim. Named re-exports only.
export { runSlimCommand } from './cli/slim-command.ts';
export { runImageCommand } from './cli/image-command.ts';
