import { expect, it } from 'vitest';
import { BenchError } from '../src/errors.ts';
import { runColdStart } from '../src/run.ts';
import { fixtureVariant } from './fixture-variant.ts';

it('throws a clear error for a command that does not exist instead of counting failed runs', async () => {
  const variant = { ...fixtureVariant('ghost', 'x.mjs'), command: ['thaw-no-such-program-xyz', 'server.js'] };
  const error = await runColdStart(variant, { iteration: 0, warmup: false }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BenchError);
  expect((error as BenchError).code).toBe('THAW_BENCH_COMMAND_NOT_FOUND');
  expect((error as BenchError).message).toBe(
    'Variant "ghost": the command "thaw-no-such-program-xyz" was not found or is not executable (ENOENT). Check the variant\'s command and PATH.',
  );
});

it('throws a clear error when the working directory does not exist', async () => {
  const variant = { ...fixtureVariant('lost', 'x.mjs'), cwd: '/nonexistent/thaw-bench-dir' };
  const error = await runColdStart(variant, { iteration: 0, warmup: false }).catch((e: unknown) => e);
  expect((error as BenchError).code).toBe('THAW_BENCH_SPAWN_FAILED');
  expect((error as BenchError).message).toContain('does not exist');
});
