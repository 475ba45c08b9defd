// Builds what the shapes benchmark starts: the packages, order-risk's deploy folders (shape d,
// shared with benchmarks/order-risk), and in out/ each thaw-way shape slimmed with a compile
// cache, as a user would deploy it. A folder is rebuilt only when its inputs changed.
// Needs PostgreSQL and Redis.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { prepareOrderRiskTopic, repoRoot } from '../support/order-risk-deploys.mjs';

const topicDir = import.meta.dirname;
const functionsDir = join(topicDir, 'functions');

/** The thaw-way entries, slimmed into out/<name>. */
const entries = {
  'hello-web': 'hello-web.thaw.mjs',
  'hello-listener': 'hello-listener.thaw.mjs',
  'a-web': 'a-web.thaw.mjs',
  'b-express': 'b-express.thaw.mjs',
  'c-cloud-event': 'c-cloud-event.thaw.mjs',
  'e-deferred': 'e-deferred.thaw.mjs',
};

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
    join(repoRoot, 'packages', 'runtime', 'dist'),
    join(repoRoot, 'packages', 'slim', 'dist'),
  ])
    hashTree(hash, dir);
  return hash.digest('hex');
}

// Builds the packages, checks the services, migrates and slims order-risk (shape d).
await prepareOrderRiskTopic(topicDir, { shared: ['thaw'] });

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
  const size = JSON.parse(readFileSync(join(outDir, 'size-report.json'), 'utf8'));
  process.stdout.write(
    `${name}: ${current ? 'up to date' : 'slimmed'}, ${size.output.files} files, ${size.output.bytes} bytes\n`,
  );
}
