import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, scratchProjectWithTarballs } from '../support/packed.ts';
import { services } from '../support/services.ts';

describe('@thaw/runtime/pools as a user installs it', () => {
  let dir = '';

  beforeAll(() => {
    // pg and its types are installed; ioredis and generic-pool deliberately are not.
    dir = scratchProjectWithTarballs(['pg@8.23.1', '@types/pg@8.23.1']);
  }, 180_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('runs a query through pools.pg and names the missing peer for pools.redis', () => {
    const script = `
      import { pools, drainPools } from '@thaw/runtime/pools';
      const db = await pools.pg('main', process.env.DATABASE_URL);
      const { rows } = await db.query('SELECT 41 + 1 AS answer');
      let missing;
      try {
        await pools.redis('cache', 'redis://127.0.0.1:1');
      } catch (error) {
        missing = { code: error.code, packageName: error.packageName };
      }
      const reports = await drainPools();
      console.log(JSON.stringify({ answer: rows[0].answer, missing, drained: reports.map((r) => r.poolName) }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: services.postgresUrl },
      timeout: 30_000,
    });
    expect(JSON.parse(out)).toEqual({
      answer: 42,
      missing: { code: 'THAW_PEER_MISSING', packageName: 'ioredis' },
      drained: ['cache', 'main'],
    });
  });

  it('types pools.pg as a pg.Pool for a TypeScript consumer under NodeNext and strict settings', () => {
    writeFileSync(
      join(dir, 'check-pools.ts'),
      [
        "import type { Pool } from 'pg';",
        "import { pools, PoolExhaustedError, defaultPgPoolOptions } from '@thaw/runtime/pools';",
        "export const pool: Promise<Pool> = pools.pg('main', { connectionString: 'postgres://db/app', max: 4 });",
        'export const max: number = defaultPgPoolOptions.max;',
        'export const isExhausted = (error: unknown): boolean => error instanceof PoolExhaustedError;',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'tsconfig.pools.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2023',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [join(dir, 'node_modules', '@types'), join(repoRoot, 'node_modules', '@types')],
        },
        files: ['check-pools.ts'],
      }),
    );
    const tsc = spawnSync(
      process.execPath,
      [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.pools.json'],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });
});
