import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRetryOptions } from './init-backoff.ts';
import { defaultInitOptions } from './init.ts';
import { defaultServeOptions, resolveServeOptions, serveOptionRows, type ServeOptions } from './options.ts';
import { defaultPublishOptions } from './cloud-events/publish.ts';

/** `| \`name\` | \`literal\` | …` rows of the README's option tables. */
function documentedDefaults(): Map<string, string> {
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const rows = new Map<string, string>();
  for (const match of readme.matchAll(/^\|\s*`(\w+)`\s*\|\s*`([^`]+)`\s*\|/gm)) {
    rows.set(match[1]!, match[2]!);
  }
  return rows;
}

describe('serve() options', () => {
  it('has the defaults the README documents, for every option', () => {
    const documented = documentedDefaults();
    for (const [name, value] of Object.entries({ ...defaultServeOptions, ...defaultRetryOptions })) {
      const literal = documented.get(name);
      const parsed: unknown =
        literal === undefined || literal === 'undefined'
          ? undefined
          : JSON.parse(literal.replace(/^'(.*)'$/, '"$1"'));
      expect({ name, value: parsed, documented: literal !== undefined }).toEqual({
        name,
        value,
        documented: true,
      });
    }
  });

  it('has the documented defaults for drain, body and report settings', () => {
    expect(defaultServeOptions).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      drainTimeoutMs: 20_000,
      shutdownDelayMs: 0,
      maxBodyBytes: 10 * 1024 * 1024,
      startupReport: 'first-response',
    });
    expect(defaultInitOptions.when).toBe('on-demand');
    expect(defaultPublishOptions.timeoutMs).toBe(10_000);
  });

  it('resolves to the defaults when nothing is given', () => {
    const resolved = resolveServeOptions({ env: {} });
    const { env: _env, logger: _logger, exit: _exit, ...values } = resolved;
    expect(values).toEqual(defaultServeOptions);
  });

  it('takes PORT, THAW_READY_FILE and K_SERVICE from the environment, and keeps an explicit 0', () => {
    const resolved = resolveServeOptions({
      env: { PORT: '9090', THAW_READY_FILE: '/run/ready', K_SERVICE: 'orders' },
      shutdownDelayMs: 0,
    });
    expect(resolved).toMatchObject({
      port: 9090,
      readyFile: '/run/ready',
      serviceName: 'orders',
      shutdownDelayMs: 0,
    });
    expect(resolveServeOptions({ env: { PORT: '9090' }, port: 0 }).port).toBe(0);
  });

  it('rejects bad values naming the option, the value and what is allowed', () => {
    expect(() => resolveServeOptions({ env: {}, drainTimeoutMs: -1 })).toThrow(
      'Invalid drainTimeoutMs: received -1; expected an integer ≥ 0.',
    );
    expect(() => resolveServeOptions({ env: {}, readyPath: 'readyz' })).toThrow(
      `Invalid readyPath: received "readyz"; expected a path starting with '/'.`,
    );
    expect(() => resolveServeOptions({ env: {}, startupReport: 'never' as 'off' })).toThrow(
      `Invalid startupReport: received "never"; expected one of 'first-response', 'ready', 'off'.`,
    );
    expect(() => resolveServeOptions({ env: {}, warmupPath: '/healthz' })).toThrow(/three different paths/);
    expect(() => resolveServeOptions({ env: { PORT: 'eighty' } })).toThrow(
      /Invalid PORT environment variable/,
    );
  });

  it('rejects header and request timeouts that are not integers, or a header limit above the request limit', () => {
    expect(() => resolveServeOptions({ env: {}, headersTimeoutMs: 0 })).toThrow(
      'Invalid headersTimeoutMs: received 0; expected an integer ≥ 1.',
    );
    expect(() => resolveServeOptions({ env: {}, requestTimeoutMs: 1.5 })).toThrow(/Invalid requestTimeoutMs/);
    expect(() => resolveServeOptions({ env: {}, headersTimeoutMs: 5_000, requestTimeoutMs: 1_000 })).toThrow(
      /Invalid headersTimeoutMs: received 5000; expected at most requestTimeoutMs \(1000\)/,
    );
    expect(resolveServeOptions({ env: {}, headersTimeoutMs: 5_000, requestTimeoutMs: 0 })).toMatchObject({
      headersTimeoutMs: 5_000,
      requestTimeoutMs: 0,
    });
  });

  it('rejects a logger, exit, env, serviceName or readyFile of the wrong type, naming the option', () => {
    const bad: Array<[string, Record<string, unknown>]> = [
      ['logger', { logger: { info: () => undefined } }],
      ['exit', { exit: 1 }],
      ['env', { env: 'PORT=1' }],
      ['serviceName', { serviceName: 42 }],
      ['readyFile', { readyFile: '' }],
    ];
    for (const [option, given] of bad) {
      expect(() => resolveServeOptions({ env: {}, ...given })).toThrow(`Invalid ${option}: received`);
    }
  });
});

/** The rows of the README's table of serve() options, cells trimmed. */
function readmeServeOptionRows(): string[][] {
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const start = readme.indexOf('## Options of `serve(handler, options)`');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  return section
    .split('\n')
    .filter((line) => /^\|\s*`\w+`/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
}

describe('the declaration of serve() options', () => {
  it('is what the README table shows: every option, its default and its meaning, in order', () => {
    expect(readmeServeOptionRows()).toEqual(serveOptionRows());
  });

  it('rejects an unknown option name with the nearest valid one', () => {
    expect(() => resolveServeOptions({ env: {}, prot: 8081 } as ServeOptions)).toThrow(
      'Invalid serve() option name: received "prot"; expected the name of a serve() option (did you mean `port`?).',
    );
    expect(() => resolveServeOptions({ env: {}, drainTimeout: 5 } as ServeOptions)).toThrow(
      /did you mean `drainTimeoutMs`\?/,
    );
    expect(() => resolveServeOptions({ env: {}, colour: 'blue' } as ServeOptions)).toThrow(
      /Invalid serve\(\) option name: received "colour"; expected one of port, host, /,
    );
  });
});
