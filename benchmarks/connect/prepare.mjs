// Builds what the connect benchmark starts: in out/ each of its three shapes
// slimmed with a compile cache, as a user would deploy it (the early connection is switched at
// run time by EARLY_CONNECT, so one folder serves both variants). A folder is rebuilt only when
// its inputs change. Needs PostgreSQL and Redis.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkServices, describeMissing } from '../support/services.mjs';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const topicDir = import.meta.dirname;
const functionsDir = join(topicDir, 'functions');
const entries = { 'a-web': 'a-web.mjs', 'b-express': 'b-express.mjs', 'c-cloud-event': 'c-cloud-event.mjs' };

function hashTree(hash, dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) hashTree(hash, path);
    else hash.update(`${relative(repoRoot, path)}\0`).update(readFileSync(path));
  }
}

function stampOf(options) {
  const hash = createHash('sha256').update(JSON.stringify(options)).update(process.version);
  for (const dir of [
    functionsDir,
    join(repoRoot, 'benchmarks', 'shapes', 'functions'),
    join(repoRoot, 'packages', 'runtime', 'dist'),
    join(repoRoot, 'packages', 'slim', 'dist'),
  ])
    hashTree(hash, dir);
  return hash.digest('hex');
}

const missing = describeMissing(await checkServices());
if (missing.length > 0) {
  process.stderr.write(`The connect benchmark needs PostgreSQL and Redis.\n${missing.join('\n')}\n`);
  process.exit(1);
}

const { slim } = await import('@thaw/slim');
const quiet = { info: () => undefined, warn: () => undefined };
for (const [name, entry] of Object.entries(entries)) {
  const outDir = join(topicDir, 'out', name);
  const options = { entry, compileCache: true };
  const stamp = stampOf(options);
  const stampFile = `${outDir}.stamp`;
  const current = existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp;
  if (!current) {
    await slim({ projectDir: functionsDir, outDir, logger: quiet, ...options });
    writeFileSync(stampFile, stamp);
  }
  process.stdout.write(`${name}: ${current ? 'up to date' : 'slimmed'}\n`);
}
