// `@thaw/slim/cli`: the `thaw slim` and `thaw image` commands, which the `thaw` CLI (@thaw/cli)
// loads on demand. Named re-exports only.
export { runSlimCommand } from './slim-command.ts';
export { runImageCommand } from './image-command.ts';
