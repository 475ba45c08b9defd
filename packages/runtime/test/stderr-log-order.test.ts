import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const logger = pathToFileURL(join(import.meta.dirname, '..', 'src', 'logger.ts')).href;

describe('default log output', () => {
  it('writes JSON lines to stderr in order with what the function itself writes there', () => {
    const script = `
      const { jsonLogger } = await import(${JSON.stringify(logger)});
      const log = jsonLogger();
      for (let i = 0; i < 50; i += 1) {
        log.info('line ' + i, { i });
        process.stderr.write('own ' + i + '\\n');
        console.error('console ' + i);
      }
      log.error('postgres://app:hunter2@db/app failed');
    `;
    const result = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(0);
    const lines = result.stderr.trim().split('\n');
    const expected: string[] = [];
    for (let i = 0; i < 50; i += 1) expected.push(`info line ${i}`, `own ${i}`, `console ${i}`);
    expected.push('error postgres://app:***@db/app failed');
    expect(
      lines.map((line) => {
        if (!line.startsWith('{')) return line;
        const record = JSON.parse(line) as { level: string; msg: string };
        return `${record.level} ${record.msg}`;
      }),
    ).toEqual(expected);
  });
});
