// The public surface of @thaw/bench. Named re-exports only.
export { runBenchCli } from './cli.ts';
