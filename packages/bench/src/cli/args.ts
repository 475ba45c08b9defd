// Turns `thaw bench` arguments into a plan and options. Every flag is validated like a bench
// file field: the error names the flag, the value and what is allowed.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { splitCommand, parseDurationMs } from './command-line.ts';
import {
  type BenchPlan,
  type FirstRequest,
  type ReadyProbe,
  type VariantSpec,
  settleVariants,
} from '../config.ts';
import { BenchConfigError, BenchError } from '../errors.ts';
import { parseUsage } from './parse-usage.ts';
import { type BenchOptions, parseOptions } from '../options.ts';

/** What the command line asks for. */
export interface CliRequest {
  readonly help: boolean;
  readonly file?: string;
  readonly quick?: BenchPlan;
  readonly options: BenchOptions;
  readonly steady?: { readonly requests: number; readonly concurrency: number };
  /** `--json`: the results JSON on stdout (the table then goes to stderr). */
  readonly jsonStdout: boolean;
  /** `--json-file`, `--md-file`, `--svg-file`: where each report is written (`-` is stdout). */
  readonly json?: string;
  readonly md?: string;
  readonly svg?: string;
  readonly quiet: boolean;
}

const cli = { source: 'the command line' };

const optionSpec = {
  help: { type: 'boolean', short: 'h' },
  variant: { type: 'string', multiple: true },
  baseline: { type: 'string' },
  ready: { type: 'string' },
  request: { type: 'string' },
  runs: { type: 'string' },
  warmup: { type: 'string' },
  order: { type: 'string' },
  cooldown: { type: 'string' },
  timeout: { type: 'string' },
  'probe-interval': { type: 'string' },
  'probe-timeout': { type: 'string' },
  'kill-grace': { type: 'string' },
  seed: { type: 'string' },
  resamples: { type: 'string' },
  burst: { type: 'string' },
  slo: { type: 'string' },
  steady: { type: 'string' },
  concurrency: { type: 'string' },
  json: { type: 'boolean' },
  'json-file': { type: 'string' },
  'md-file': { type: 'string' },
  'svg-file': { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

/** The flag names of `thaw bench` (the README check compares them with its tables). */
export const benchFlagNames: readonly string[] = Object.keys(optionSpec);

/** Flags renamed in 0.x, answered with the new spelling instead of "unknown flag". */
export const renamedReportFlags: Readonly<Record<string, string>> = {
  md: '--md-file FILE',
  svg: '--svg-file FILE',
};

/** Parses an integer flag. */
export function integerFlag(text: string, flag: string, min: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min)
    throw new BenchConfigError(flag, text, `an integer ≥ ${min}`, cli);
  return value;
}

function parseReadyFlag(text: string): ReadyProbe {
  if (text === 'tcp') return 'tcp';
  if (text.startsWith('/')) return { http: text };
  throw new BenchConfigError('--ready', text, '"tcp" or a path such as /readyz', cli);
}

function parseRequestFlag(text: string): FirstRequest {
  const match = /^\s*(?:([A-Z]+)\s+)?(\/\S*)\s*$/.exec(text);
  if (match === null) throw new BenchConfigError('--request', text, "'METHOD /path', such as 'GET /'", cli);
  return { method: match[1] ?? 'GET', path: match[2] as string, headers: {} };
}

function quickVariants(texts: readonly string[], values: Record<string, unknown>, cwd: string): BenchPlan {
  const ready = typeof values.ready === 'string' ? parseReadyFlag(values.ready) : 'tcp';
  const request =
    typeof values.request === 'string'
      ? parseRequestFlag(values.request)
      : { method: 'GET', path: '/', headers: {} };
  const variants: VariantSpec[] = texts.map((text, i) => {
    const eq = text.indexOf('=');
    if (eq <= 0)
      throw new BenchConfigError(
        `--variant #${i + 1}`,
        text,
        "NAME='COMMAND', such as base='node server.js'",
        cli,
      );
    const name = text.slice(0, eq);
    if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(name)) {
      throw new BenchConfigError(
        `--variant #${i + 1} name`,
        name,
        'letters, digits, ".", "_", "+" or "-"',
        cli,
      );
    }
    const command = splitCommand(text.slice(eq + 1), `--variant ${name}`);
    if (command.length === 0)
      throw new BenchConfigError(`--variant ${name}`, text, 'a command after "="', cli);
    return { name, baseline: values.baseline === name, command, cwd, env: {}, ready, request };
  });
  if (typeof values.baseline === 'string' && !variants.some((v) => v.name === values.baseline)) {
    throw new BenchConfigError(
      '--baseline',
      values.baseline,
      `one of the variants (${variants.map((v) => v.name).join(', ')})`,
      cli,
    );
  }
  return { variants: settleVariants(variants, '--variant', cli), options: {} };
}

/**
 * Parses `thaw bench` arguments (without the `bench` word).
 *
 * @example
 * ```ts
 * const request = parseBenchArgs(['--variant', "a=node a.js", '--runs', '10'], process.cwd());
 * ```
 */
export function parseBenchArgs(args: readonly string[], cwd: string): CliRequest {
  const parsed = parseUsage(args, optionSpec, renamedReportFlags);
  const { values, positionals } = parsed;
  rejectOldJsonSpelling(parsed, cwd);
  if (positionals.length > 1) {
    throw new BenchError(
      'THAW_BENCH_USAGE',
      `Expected at most one bench file, got: ${positionals.join(' ')}. See thaw bench --help.`,
    );
  }
  const options = harnessOptions(values);
  const variantTexts = values.variant ?? [];
  const file = positionals[0];
  checkVariantSource(values, file);
  const steady = steadyOf(values);
  return {
    help: values.help === true,
    ...(file === undefined ? {} : { file: resolve(cwd, file) }),
    ...(variantTexts.length === 0 ? {} : { quick: quickVariants(variantTexts, values, cwd) }),
    options,
    ...(steady === undefined ? {} : { steady }),
    jsonStdout: values.json === true,
    ...(values['json-file'] === undefined ? {} : { json: values['json-file'] }),
    ...(values['md-file'] === undefined ? {} : { md: values['md-file'] }),
    ...(values['svg-file'] === undefined ? {} : { svg: values['svg-file'] }),
    quiet: values.quiet === true,
  };
}

type ParsedArgs = ReturnType<typeof parseUsage<typeof optionSpec>>;
type Values = ParsedArgs['values'];

// `--json FILE` was the old spelling: a file name right after the flag is now a positional.
function rejectOldJsonSpelling(parsed: ParsedArgs, cwd: string): void {
  const { values, positionals } = parsed;
  const afterJson = parsed.tokens.find((token, i) => {
    const before = parsed.tokens[i - 1];
    return token.kind === 'positional' && before?.kind === 'option' && before.name === 'json';
  });
  if (
    afterJson?.kind === 'positional' &&
    ((values.variant ?? []).length > 0 ||
      positionals.length > 1 ||
      !existsSync(resolve(cwd, afterJson.value)))
  ) {
    throw new BenchError(
      'THAW_BENCH_USAGE',
      `--json takes no file: it prints the results JSON on stdout. Write a file with --json-file ${afterJson.value}. See thaw bench --help.`,
    );
  }
}

/** The flag each harness option comes from, for the errors of parseOptions. */
const flagNames: Readonly<Record<string, string>> = {
  runs: '--runs',
  warmupRuns: '--warmup',
  cooldownMs: '--cooldown',
  timeoutMs: '--timeout',
  probeIntervalMs: '--probe-interval',
  probeTimeoutMs: '--probe-timeout',
  killGraceMs: '--kill-grace',
  order: '--order',
  seed: '--seed',
  burst: '--burst',
  sloMs: '--slo',
};

/** The harness options the flags set, checked as a bench file's are. */
function harnessOptions(values: Values): BenchOptions {
  const raw: Record<string, unknown> = {};
  const duration = (flag: keyof Values, key: string): void => {
    const text = values[flag];
    if (typeof text === 'string') raw[key] = parseDurationMs(text, `--${flag}`);
  };
  const integer = (flag: keyof Values, key: string, min: number): void => {
    const text = values[flag];
    if (typeof text === 'string') raw[key] = integerFlag(text, `--${flag}`, min);
  };
  integer('runs', 'runs', 1);
  integer('warmup', 'warmupRuns', 0);
  integer('seed', 'seed', 0);
  integer('burst', 'burst', 0);
  duration('cooldown', 'cooldownMs');
  duration('timeout', 'timeoutMs');
  duration('probe-interval', 'probeIntervalMs');
  duration('probe-timeout', 'probeTimeoutMs');
  duration('kill-grace', 'killGraceMs');
  duration('slo', 'sloMs');
  if (values.order !== undefined) raw.order = values.order;
  return {
    ...parseOptions(raw, cli, (key) => flagNames[key] ?? key),
    ...(values.resamples === undefined
      ? {}
      : { bootstrapResamples: integerFlag(values.resamples, '--resamples', 100) }),
  };
}

/** A bench file or --variant flags, not both; the quick form's own flags only with --variant. */
function checkVariantSource(values: Values, file: string | undefined): void {
  const variantTexts = values.variant ?? [];
  if (file !== undefined && variantTexts.length > 0) {
    throw new BenchError(
      'THAW_BENCH_USAGE',
      'Give either a bench file or --variant flags, not both. See thaw bench --help.',
    );
  }
  if (variantTexts.length > 0) return;
  for (const flag of ['baseline', 'ready', 'request'] as const) {
    if (values[flag] !== undefined) {
      throw new BenchError(
        'THAW_BENCH_USAGE',
        `--${flag} applies to --variant variants only; set it in the bench file instead.`,
      );
    }
  }
}

function steadyOf(values: Values): CliRequest['steady'] {
  if (values.steady === undefined) {
    if (values.concurrency !== undefined)
      throw new BenchError('THAW_BENCH_USAGE', '--concurrency needs --steady N. See thaw bench --help.');
    return undefined;
  }
  const requests = integerFlag(values.steady, '--steady', 1);
  const concurrency =
    values.concurrency === undefined ? 1 : integerFlag(values.concurrency, '--concurrency', 1);
  if (concurrency > requests)
    throw new BenchConfigError('--concurrency', concurrency, `at most --steady (${requests})`, cli);
  return { requests, concurrency };
}
