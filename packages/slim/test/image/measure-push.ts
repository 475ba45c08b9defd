// Measures what `thaw image` pushes against a local registry, with the machine's Node as base:
// the image's sizes (function layers vs base), a full push (every blob uploaded, base included),
// a first push whose base is mounted from another repository of the same registry, and a push
// after a one-line source change. Prints a Markdown table and the raw numbers as JSON.
//
//   node packages/slim/test/image/measure-push.ts [--rounds 5]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildImage, type BuildImageResult } from '../../src/image/build-image.ts';
import { formatBytes } from '../../src/format-bytes.ts';
import { formatPercent } from '../../src/image/size-report.ts';
import { makeNodeBase, skopeoCopy, writeDeployFolder } from './support/fixtures.ts';
import { startRegistry } from './support/registry.ts';
import { requireTools } from './support/tools.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
const rounds = Number(values.rounds);
requireTools(['docker-registry', 'skopeo', 'umoci']);

const dir = mkdtempSync(join(tmpdir(), 'thaw-measure-push-'));
const registry = await startRegistry();
try {
  await makeNodeBase(join(dir, 'base'), 'node');
  await skopeoCopy(`oci:${join(dir, 'base')}:node`, `docker://${registry.host}/base/node:1`);
  writeDeployFolder(join(dir, 'v1'), { greeting: 'hello' });
  writeDeployFolder(join(dir, 'v2'), { greeting: 'hello, again' });

  const samples = {
    full: [] as number[],
    mounted: [] as number[],
    oneLine: [] as number[],
    oneLineBytes: [] as number[],
  };
  let last: BuildImageResult | undefined;
  for (let round = 0; round < rounds; round++) {
    const full = await buildImage({
      deployDir: join(dir, 'v1'),
      base: `oci:${join(dir, 'base')}:node`,
      tag: `${registry.host}/full/r${round}:1`,
    });
    samples.full.push(full.push?.durationMs ?? NaN);
    const tag = `${registry.host}/functions/r${round}:1`;
    const first = await buildImage({ deployDir: join(dir, 'v1'), base: `${registry.host}/base/node:1`, tag });
    samples.mounted.push(first.push?.durationMs ?? NaN);
    last = await buildImage({ deployDir: join(dir, 'v2'), base: `${registry.host}/base/node:1`, tag });
    samples.oneLine.push(last.push?.durationMs ?? NaN);
    samples.oneLineBytes.push(last.push?.uploadedBytes ?? NaN);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const size = last!.size;
  const ms = (x: number): string => `${x.toFixed(1)} ms`;
  console.log(
    `Image of the test function on the machine's Node ${process.version} (median of ${rounds} rounds, local registry on loopback)\n`,
  );
  console.log('| layer | compressed | uncompressed |\n| --- | ---: | ---: |');
  for (const layer of size.layers) {
    console.log(
      `| ${layer.role} | ${formatBytes(layer.compressedBytes)} | ${layer.uncompressedBytes === null ? '-' : formatBytes(layer.uncompressedBytes)} |`,
    );
  }
  console.log(
    `\nThe function adds ${formatBytes(size.functionCompressedBytes)} to a ${formatBytes(size.baseCompressedBytes)} base: ${formatPercent(size.functionShare)} of ${formatBytes(size.totalCompressedBytes)}.\n`,
  );
  console.log('| push | median | ratio to full |\n| --- | ---: | ---: |');
  const full = median(samples.full);
  for (const [name, xs] of [
    ['full (every blob uploaded, base too)', samples.full],
    ['first (base mounted)', samples.mounted],
    ['one-line change', samples.oneLine],
  ] as const) {
    console.log(`| ${name} | ${ms(median(xs))} | ${(median(xs) / full).toFixed(4)} |`);
  }
  console.log(`\nThe one-line change uploaded ${formatBytes(median(samples.oneLineBytes))}.\n`);
  console.log(JSON.stringify({ node: process.version, rounds, size, samples }));
} finally {
  await registry.stop();
  rmSync(dir, { recursive: true, force: true });
}
