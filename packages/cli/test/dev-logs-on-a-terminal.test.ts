import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, main, project } from './support/dev-harness.ts';

// `thaw dev` shows the runtime's JSON log lines as short human lines when its output is a
// terminal and leaves them as JSON otherwise (or with --json). The terminal is a real one: the
// command runs under util-linux's `script`, which gives it a pseudo-terminal. The function stops
// itself once ready (SIGTERM, so it drains and logs as in production) and `--no-watch` ends
// thaw dev with it.
const hasScript = spawnSync('script', ['--version']).status === 0;

let dir = '';
beforeAll(() => {
  dir = project({
    'package.json': JSON.stringify({ name: 'fn', type: 'module', private: true }),
    'index.js': `import { serve, whenReady } from '@thaw/runtime';\nserve(() => new Response('ok'));\nwhenReady('stop', () => { setTimeout(() => process.kill(process.pid, 'SIGTERM'), 100); });\n`,
  });
});
afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

function run(command: string, args: readonly string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.once('close', (code) => {
      resolve({ code, out: out.replaceAll('\r\n', '\n') });
    });
  });
}

async function dev(
  onTerminal: boolean,
  extra: readonly string[] = [],
): Promise<{ code: number | null; out: string }> {
  const args = [main, 'dev', 'index.js', '--no-watch', '--port', String(await freePort()), ...extra];
  if (!onTerminal) return run(process.execPath, args);
  const line = [process.execPath, ...args].map((arg) => `'${arg}'`).join(' ');
  return run('script', ['--quiet', '--flush', '--return', '--command', line, '/dev/null']);
}

const jsonLine = /^\{"level":"info","msg":"Shutting down/m;
const humanLine = /^\d\d:\d\d:\d\d\.\d{3} info {2}Shutting down/m;

describe('thaw dev log lines', () => {
  it('stay JSON when the output is not a terminal', async () => {
    const { code, out } = await dev(false);
    expect(code, out).toBe(0);
    expect(out).toMatch(/thaw dev: ready in \d+ ms/);
    expect(out).toMatch(jsonLine);
    expect(out).not.toMatch(humanLine);
  });

  it.skipIf(!hasScript)('become human lines on a terminal, and stay JSON there with --json', async () => {
    const human = await dev(true);
    expect(human.code, human.out).toBe(0);
    expect(human.out).toMatch(/thaw dev: ready in \d+ ms/);
    expect(human.out).toMatch(humanLine);
    expect(human.out).not.toMatch(/^\{"level"/m);
    const json = await dev(true, ['--json']);
    expect(json.code, json.out).toBe(0);
    expect(json.out).toMatch(jsonLine);
    expect(json.out).not.toMatch(humanLine);
  });
});
