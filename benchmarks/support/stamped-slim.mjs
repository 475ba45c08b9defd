// Deploy folders slimmed again only when their inputs change. Next to each folder a stamp file
// (`<outDir>.stamp`) holds a digest of slim's options, the Node version and every file of the
// input folders; a matching stamp (with the folder's size report present) skips the build. The
// order-risk folders, the shapes and the connect benchmark all slim through here, so every
// prepare script can ask for the folders it needs without paying for them twice.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The compiled packages a slimmed folder is made of, besides the function's own files. */
export const packageDists = [
  join(repoRoot, 'packages', 'runtime', 'dist'),
  join(repoRoot, 'packages', 'slim', 'dist'),
];

function hashTree(hash, dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) hashTree(hash, path);
    else hash.update(`${relative(repoRoot, path)}\0`).update(readFileSync(path));
  }
}

/** The digest of slim's `options`, the Node version and the files under `dirs`, in order. */
export function inputsStamp(options, dirs) {
  const hash = createHash('sha256').update(JSON.stringify(options)).update(process.version);
  for (const dir of dirs) hashTree(hash, dir);
  return hash.digest('hex');
}

const quiet = { info: () => undefined, warn: () => undefined };

/**
 * Slims `projectDir` into `outDir` with `options`, unless the folder's stamp says `options` and
 * the files under `inputs` have not changed. Resolves with `{ outDir, size, rebuilt }`; `size`
 * is slim's size report (input closure vs deploy folder).
 */
export async function slimIfChanged(projectDir, outDir, options, inputs) {
  const { slim } = await import('@thaw/slim');
  const stampFile = `${outDir}.stamp`;
  const stamp = inputsStamp(options, inputs);
  const current = existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp;
  if (!current || !existsSync(join(outDir, 'size-report.json'))) {
    await slim({ projectDir, outDir, logger: quiet, ...options });
    writeFileSync(stampFile, stamp);
  }
  const size = JSON.parse(readFileSync(join(outDir, 'size-report.json'), 'utf8'));
  return { outDir, size, rebuilt: !current };
}

/**
 * Slims each `{ name: entry }` of `projectDir` with a compile cache into `<outRoot>/<name>`, as a
 * user would deploy it, each folder only when `inputs` (besides the packages) changed. Resolves
 * with `{ name: { outDir, size, rebuilt } }`.
 */
export async function slimEntries(projectDir, outRoot, entries, inputs) {
  const results = {};
  for (const [name, entry] of Object.entries(entries)) {
    const options = { entry, compileCache: true };
    results[name] = await slimIfChanged(projectDir, join(outRoot, name), options, [
      ...inputs,
      ...packageDists,
    ]);
  }
  return results;
}
