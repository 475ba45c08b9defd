import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { UsageError } from '../usage-error.ts';
import { parseDevArgs } from './dev-command.ts';

const dir = mkdtempSync(join(tmpdir(), 'thaw-dev-args-'));
writeFileSync(join(dir, 'index.js'), '');
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const parse = (args: readonly string[], env: NodeJS.ProcessEnv = {}) =>
  parseDevArgs(['--project', dir, 'index.js', ...args], env);

test('the Functions Framework function is named by --target or, as thaw slim spells it, --function-target', () => {
  expect(parse(['--from', 'functions-framework', '--target', 'helloHttp']).target).toBe('helloHttp');
  expect(parse(['--from', 'functions-framework', '--function-target', 'helloHttp']).target).toBe('helloHttp');
  expect(parse(['--target', 'a', '--function-target', 'a']).target).toBe('a');
  expect(() => parse(['--target', 'a', '--function-target', 'b'])).toThrow(UsageError);
});

test('PORT defaults to $PORT, then 8080', () => {
  expect(parse([]).port).toBe('8080');
  expect(parse([], { PORT: '3000' }).port).toBe('3000');
  expect(parse(['--port', '9000'], { PORT: '3000' }).port).toBe('9000');
  expect(() => parse(['--port', 'http'])).toThrow('--port must be a port number, not "http".');
});
