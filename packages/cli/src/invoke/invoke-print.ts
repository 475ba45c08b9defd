// How `thaw invoke` shows an answer: the status line, the headers, then the body; a reply that
// is a CloudEvent (ce-* headers) is shown as the event it is, attributes then data.

/** An answer as fetch() read it. */
export interface InvokeAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
}

/** The answer as JSON (`--json`): status, headers, the reply event when there is one, the body. */
export function answerJson(answer: InvokeAnswer): Record<string, unknown> {
  const event = replyEvent(answer);
  return {
    status: answer.status,
    headers: Object.fromEntries(answer.headers),
    ...(event === undefined ? {} : { event }),
    body: bodyValue(answer),
  };
}

/** The answer as text for a person. */
export function answerText(answer: InvokeAnswer): string {
  const reason =
    answer.statusText === ''
      ? (process.getBuiltinModule('node:http').STATUS_CODES[answer.status] ?? '')
      : answer.statusText;
  const lines = [`HTTP ${answer.status} ${reason}`.trimEnd()];
  const event = replyEvent(answer);
  if (event !== undefined) {
    lines.push('Reply event:');
    for (const [name, value] of Object.entries(event)) {
      if (name !== 'data') lines.push(`  ${name}: ${String(value)}`);
    }
    lines.push('  data:', indent(show(event['data'])));
    return `${lines.join('\n')}\n`;
  }
  for (const [name, value] of answer.headers) lines.push(`${name}: ${value}`);
  lines.push('');
  const body = bodyValue(answer);
  if (body !== undefined) lines.push(show(body));
  return `${lines.join('\n')}\n`;
}

/** The reply event: binary mode from ce-* headers, structured mode from the body. */
export function replyEvent(answer: InvokeAnswer): Record<string, unknown> | undefined {
  const type = header(answer, 'content-type');
  if (type?.startsWith('application/cloudevents+json') === true) {
    try {
      return JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }
  if (header(answer, 'ce-specversion') === undefined) return undefined;
  const event: Record<string, unknown> = {};
  for (const [name, value] of answer.headers) if (name.startsWith('ce-')) event[name.slice(3)] = value;
  if (type !== undefined) event['datacontenttype'] = type;
  event['data'] = bodyValue(answer);
  return event;
}

function bodyValue(answer: InvokeAnswer): unknown {
  if (answer.body.length === 0) return undefined;
  const type = header(answer, 'content-type') ?? '';
  const text = answer.body.toString('utf8');
  if (type.includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function header(answer: InvokeAnswer, name: string): string | undefined {
  return answer.headers.find(([key]) => key === name)?.[1];
}

function show(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
