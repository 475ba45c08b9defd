import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

// A function project where none of the optional peers is installed: the runtime's source, copied
// into a directory with no node_modules anywhere above it, run by Node (which strips the types).
describe('pools without their optional peer installed', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'thaw-no-peers-'));
    cpSync(resolve(import.meta.dirname, '../../src'), join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(
      join(dir, 'probe.mjs'),
      `import { pools } from './src/pools/index.ts';
const attempts = {
  pg: () => pools.pg('db', 'postgres://app@127.0.0.1:1/app'),
  ioredis: () => pools.redis('cache', 'redis://127.0.0.1:1'),
  'generic-pool': () => pools.generic('things', { create: async () => ({}), destroy: async () => {} }),
};
const results = {};
for (const [peer, attempt] of Object.entries(attempts)) {
  try {
    await attempt();
    results[peer] = 'resolved';
  } catch (error) {
    results[peer] = { name: error.name, code: error.code, packageName: error.packageName, message: error.message, names: pools.names() };
  }
}
console.log(JSON.stringify(results));
`,
    );
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports fine and fails each pool function with a PeerMissingError naming the package to install', async () => {
    const { stdout } = await run(process.execPath, ['probe.mjs'], { cwd: dir, timeout: 20_000 });
    const results = JSON.parse(stdout) as Record<
      string,
      { code: string; packageName: string; message: string; names: string[] }
    >;
    for (const [peer, call] of [
      ['pg', 'pools.pg()'],
      ['ioredis', 'pools.redis()'],
      ['generic-pool', 'pools.generic()'],
    ] as const) {
      const result = results[peer];
      expect(result).toMatchObject({ code: 'THAW_PEER_MISSING', packageName: peer });
      expect(result?.message).toContain(`${call} needs the package "${peer}", which is not installed`);
      expect(result?.message).toContain(`npm install ${peer}`);
    }
  });
});
