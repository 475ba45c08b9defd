// Builds what the thaw variants import: the runtime's dist/ (Nx replays it from its cache when
// the sources did not change, so running this again costs little).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const nx = join(root, 'node_modules', 'nx', 'dist', 'bin', 'nx.js');
const result = spawnSync(process.execPath, [nx, 'run', '@thaw/runtime:build'], {
  cwd: root,
  stdio: 'inherit',
});
if (result.status !== 0) {
  console.error('Building @thaw/runtime failed; the runtime-overhead variants need its dist/.');
  process.exit(result.status ?? 1);
}
