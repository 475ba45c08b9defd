// `@thaw/bench/cli`: the `thaw bench` command, which the `thaw` CLI (@thaw/cli) loads on demand.
// Named re-exports only.
export { runBenchCli } from './bench-command.ts';
export type { BenchCliIo } from './io.ts';
