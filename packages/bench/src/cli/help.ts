// The complete `thaw bench --help`.

/** Help text of `thaw bench`. */
export const benchHelp = `thaw bench: measure cold starts the way a scale-from-zero platform sees them

Usage:
  thaw bench [BENCH_FILE] [options]
  thaw bench --variant NAME='COMMAND' [--variant NAME='COMMAND' ...] [options]
  thaw bench compare OLD.json NEW.json [--threshold 5%] [--metric NAME ...]
  thaw bench report RESULTS.json [--md-file FILE] [--svg-file FILE]
  thaw bench imports [BENCH_FILE | --variant ...] [--runs N] [--top N] [--json | --json-file FILE]

Each run starts a fresh process with PORT set to a free loopback port (outside the kernel's
ephemeral range), then times spawn → port accepting → ready → first response complete, and
reads RSS and CPU time of the process at ready. A thaw function's own startup report (IPC) adds
its phase breakdown. Variants run interleaved; warm-up runs are discarded. Every process is
stopped and reaped after its run, also when thaw bench is interrupted.

Without BENCH_FILE or --variant, thaw.bench.json, .js, .mjs or .ts in the current directory is used.

Variants (quick form, instead of a bench file):
  --variant NAME=COMMAND   A variant; repeat for more. "node" as the first word is the Node
                           running thaw bench. The first variant is the baseline.
  --baseline NAME          Make another variant the baseline.
  --ready tcp|/PATH        Ready when the port accepts (tcp, default) or PATH answers 200.
  --request 'METHOD /PATH' The first request (default: GET /).

Runs:
  --runs N                 Measured runs per variant (default 30).
  --warmup N               Warm-up runs per variant, discarded (default 2).
  --order ORDER            interleaved (A B C A B C, default) or randomized (seeded shuffle per round).
  --cooldown DURATION      Pause after each run (default 0).
  --timeout DURATION       A run not answering its first request within this fails (default 10s);
                           its stderr tail is shown.
  --probe-interval DURATION  Readiness probe period, counted from spawn (default 5ms).
  --probe-timeout DURATION   One probe attempt's time limit (default 1s).
  --kill-grace DURATION    SIGTERM to the process group, then SIGKILL after this (default 2s).
  --seed N                 Seed of the randomized order and the bootstrap (default 1).
  --resamples N            Bootstrap resamples (default 2000).

Modes:
  --burst N                At spawn, N concurrent clients wait for the port and send one request
                           each; reports latency from spawn and misses of --slo.
  --slo DURATION           Latency objective for burst requests (default 500ms).
  --steady N               After the first response, N warm requests (keep-alive) per run.
  --concurrency N          Clients in flight for --steady (default 1).

Output:
  --json                   Print the raw runs and statistics as JSON on stdout (schema
                           thaw-bench-result v1); the table goes to stderr.
  --json-file FILE         Write that JSON to FILE (- for stdout).
  --md-file FILE           Write a Markdown report (- for stdout).
  --svg-file FILE          Write a chart: every run per variant and the phase breakdown (- for stdout).
  --quiet                  No progress lines.
  -h, --help               This help.

compare:
  thaw bench compare OLD.json NEW.json compares two --json-file results variant by variant.
  --threshold PERCENT      Smallest change of a median that counts (default 5%).
  --metric NAME            Compare only this metric; repeatable (listeningMs, readyMs,
                           firstResponseMs, rssBytes, cpuMs, steadyLatencyMs, burstLatencyMs).
  A metric regressed when its median grew beyond the threshold and its 95% interval lies
  entirely above the old one.

report:
  thaw bench report RESULTS.json renders a saved result again: the table, and --md-file FILE
  and --svg-file FILE (- for stdout), so committed reports are regenerated from their JSON.

imports:
  thaw bench imports profiles each variant's cold start with V8's sampling profiler (500 µs)
  and ranks the packages by the CPU time their code took from spawn to ready: "own" is the
  package's code plus the loading and compiling Node does for it, "incl." adds everything it
  loads and calls; ready → first response is shown apart. "(node)" is Node's bootstrap; the
  ES module loader's reading, compiling and linking of an import graph goes to the package of
  the module being loaded (recorded with a module.registerHooks load hook). Bundled code is traced back to its packages through the bundle's source map. Medians of --runs N profiled runs (default 5,
  after --warmup N, default 1), interleaved. A variant must run a Node
  process (Node writes the profile when it exits; on SIGTERM a preload exits it at once).
  --top N                  Packages listed per variant (default 15).
  --json                   Print the profile as JSON on stdout (schema thaw-import-profile v1;
                           the table then goes to stderr).
  --json-file FILE         Write that JSON to FILE (- for stdout).

Durations: 500ms, 2s, 1.5s, or a number of milliseconds.

Exit codes:
  0  every measured run succeeded (compare: no regression)
  1  a run failed (compare: a regression)
  2  bad arguments or bench file (unknown flag, missing value, no bench file)

Examples:
  thaw bench --variant base='node hello.mjs' --variant thaw='node dist/index.js' --ready /readyz --runs 30
  thaw bench benchmarks/hello/thaw.bench.json --json-file results.json --md-file results.md --svg-file results.svg
  thaw bench --variant thaw='node dist/index.js' --burst 50 --slo 500ms --runs 10
  thaw bench compare main.json branch.json --threshold 5%
  thaw bench imports --variant fn='node dist/index.js' --ready /readyz --runs 5
`;
