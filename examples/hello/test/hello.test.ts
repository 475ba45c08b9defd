import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { send, startFunction, type FunctionProcess } from '../../../test/support/function-process.ts';

const entry = join(import.meta.dirname, '..', 'src', 'index.ts');

describe('the hello example', () => {
  let fn: FunctionProcess | undefined;

  afterEach(async () => {
    await fn?.stop();
    fn = undefined;
  });

  it('answers Hello <TARGET>! once /readyz is 200, and exits 0 on SIGTERM', async () => {
    fn = await startFunction([entry], { env: { TARGET: 'Knative' } });
    expect((await send(fn.port, { path: '/readyz' })).status).toBe(200);
    const answer = await send(fn.port, { path: '/' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(answer.body).toBe('Hello Knative!\n');
    expect(await fn.terminate()).toBe(0);
  });

  it('greets the World when TARGET is not set', async () => {
    fn = await startFunction([entry], { env: { TARGET: undefined } });
    expect((await send(fn.port, { path: '/' })).body).toBe('Hello World!\n');
  });
});
