// `thaw invoke`: sends one request to a running function (local by default) and prints the
// answer, like `func invoke`. Exit code 0 for a 1xx-3xx answer, 1 for 4xx/5xx or no answer.
import { readFileSync } from 'node:fs';
import { parseFlags } from '../parse-flags.ts';
import { exitCodeHelp, exitCodes, UsageError } from '../usage-error.ts';
import { answerJson, answerText, type InvokeAnswer } from './invoke-print.ts';
import { defaultEvent, invokeRequest, newEventId, type InvokeInput } from './invoke-request.ts';

/** The flags of `thaw invoke`, as its help and the README list them. */
export const invokeHelp = `thaw invoke: send a request to a running function and print the answer

Usage: thaw invoke [path] [options]

  path                     Request path (default: /)

Options:
  -t, --target <url>       The function's address (default: http://127.0.0.1:$PORT, PORT default 8080)
  -X, --method <method>    HTTP method (default: GET, POST when there is data)
  -H, --header <line>      A request header, "Name: value" (repeatable)
  -d, --data <text>        The request body
  -f, --file <path>        The request body from a file
      --content-type <t>   Content-Type of the data (default: application/json when it parses, else text/plain)
  -e, --event              Send a CloudEvent instead of a plain request
      --mode <mode>        CloudEvent mode: binary (ce-* headers) or structured (default: binary)
      --type <type>        CloudEvent type (default: ${defaultEvent.type})
      --source <source>    CloudEvent source (default: ${defaultEvent.source})
      --id <id>            CloudEvent id (default: a new UUID)
      --timeout-ms <ms>    Give up after this long (default: 10000)
      --json               Print the answer as JSON on stdout
  -h, --help               Show this help

A reply that is a CloudEvent is shown as an event (attributes, then data).

${exitCodeHelp}

Examples:
  thaw invoke
  thaw invoke /orders --data '{"id":1}'
  thaw invoke --event --type com.example.order.created --file order.json
  thaw invoke --event --mode structured --target http://127.0.0.1:8081`;

const options = {
  target: { type: 'string', short: 't' },
  method: { type: 'string', short: 'X' },
  header: { type: 'string', short: 'H', multiple: true },
  data: { type: 'string', short: 'd' },
  file: { type: 'string', short: 'f' },
  'content-type': { type: 'string' },
  event: { type: 'boolean', short: 'e' },
  mode: { type: 'string' },
  type: { type: 'string' },
  source: { type: 'string' },
  id: { type: 'string' },
  'timeout-ms': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The option names of `thaw invoke` (for the help/README check). */
export const invokeOptionNames: readonly string[] = Object.keys(options);

/** Parses `thaw invoke` arguments; throws {@link UsageError}. */
export function parseInvokeArgs(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): {
  input: InvokeInput;
  json: boolean;
  help: boolean;
  timeoutMs: number;
} {
  const { values, positionals } = parseFlags(
    { args, options },
    (message) => new UsageError(`${message} See thaw invoke --help.`),
  );
  if (positionals.length > 1)
    throw new UsageError(`thaw invoke takes one path, not ${positionals.join(' ')}.`);
  if (values.data !== undefined && values.file !== undefined)
    throw new UsageError('Give --data or --file, not both.');
  const mode = values.mode ?? 'binary';
  if (mode !== 'binary' && mode !== 'structured')
    throw new UsageError(`--mode must be binary or structured, not "${mode}".`);
  if (!values.event && (values.mode ?? values.type ?? values.source ?? values.id) !== undefined) {
    throw new UsageError('--mode, --type, --source and --id describe a CloudEvent; add --event.');
  }
  const timeoutMs = Number(values['timeout-ms'] ?? '10000');
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    throw new UsageError(`--timeout-ms must be a positive integer, not "${values['timeout-ms'] ?? ''}".`);
  let data: Buffer | undefined;
  if (values.data !== undefined) data = Buffer.from(values.data);
  if (values.file !== undefined) {
    try {
      data = readFileSync(values.file);
    } catch (error) {
      throw new UsageError(`Cannot read --file ${values.file}: ${(error as Error).message}`);
    }
  }
  const port = env['PORT'] === undefined || env['PORT'] === '' ? '8080' : env['PORT'];
  return {
    input: {
      target: values.target ?? `http://127.0.0.1:${port}`,
      method: values.method?.toUpperCase(),
      path: positionals[0] ?? '/',
      headers: values.header ?? [],
      data,
      contentType: values['content-type'],
      event: values.event
        ? {
            mode,
            type: values.type ?? defaultEvent.type,
            source: values.source ?? defaultEvent.source,
            id: values.id ?? newEventId(),
          }
        : undefined,
    },
    json: values.json ?? false,
    help: values.help ?? false,
    timeoutMs,
  };
}

/**
 * Runs `thaw invoke` and resolves with its exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runInvokeCommand(['--event', '--data', '{"n":1}']);
 * ```
 */
export async function runInvokeCommand(args: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseInvokeArgs(args);
    if (parsed.help) {
      process.stdout.write(`${invokeHelp}\n`);
      return exitCodes.ok;
    }
    const request = invokeRequest(parsed.input);
    let answer: InvokeAnswer;
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: AbortSignal.timeout(parsed.timeoutMs),
      });
      answer = {
        status: response.status,
        statusText: response.statusText,
        headers: [...response.headers],
        body: Buffer.from(await response.arrayBuffer()),
      };
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      process.stderr.write(
        `thaw invoke: no answer from ${request.url} (${cause?.code ?? cause?.message ?? (error as Error).message}). Is the function running? Start it with thaw dev, or pass --target.\n`,
      );
      return exitCodes.failed;
    }
    process.stdout.write(parsed.json ? `${JSON.stringify(answerJson(answer))}\n` : answerText(answer));
    return answer.status >= 400 ? exitCodes.failed : exitCodes.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`thaw invoke: ${error.message}\n`);
      return exitCodes.usage;
    }
    throw error;
  }
}
