import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { listFiles } from '../src/deploy-folder.ts';
import { buildImage } from '../src/image/build-image.ts';
import { slim, type SlimReport } from '../src/slim.ts';
import { makeTinyBase } from './image/support/fixtures.ts';
import { fixtureProject } from './support/fixture-project.ts';
import { recordingLogger } from './support/quiet-logger.ts';

let hello: string;
let pg: string;
let scratch: string;
let a: SlimReport;
let b: SlimReport;

beforeAll(async () => {
  hello = fixtureProject('runtime-hello-fn');
  pg = fixtureProject('runtime-pg-fn');
  scratch = mkdtempSync(join(tmpdir(), 'thaw-tracing-layer-'));
  a = await slim({ projectDir: hello, outDir: 'deploy', logger: recordingLogger() });
  b = await slim({ projectDir: pg, outDir: 'deploy', minify: false, logger: recordingLogger() });
}, 120_000);

afterAll(() => {
  for (const dir of [hello, pg, scratch]) rmSync(dir, { recursive: true, force: true });
});

const tracingFiles = (report: SlimReport): string[] =>
  report.manifest.files.filter((f) => f.layer === 'tracing').map((f) => f.path);

test('two different functions carry a byte-identical tracing layer in a folder named for its digest', () => {
  const files = tracingFiles(a);
  expect(files.length).toBeGreaterThan(0);
  expect(tracingFiles(b)).toEqual(files);
  const dir = files[0]?.split('/')[0] ?? '';
  expect(dir).toMatch(/^thaw-tracing-[0-9a-f]{12}$/);
  expect(files.every((path) => path.startsWith(`${dir}/`))).toBe(true);
  for (const path of files) {
    const same = readFileSync(join(a.outDir, path)).equals(readFileSync(join(b.outDir, path)));
    expect({ path, same }).toEqual({ path, same: true });
  }
  // The function's own bundles differ (one is not minified, one has pg).
  expect(readFileSync(join(a.outDir, 'index.js')).equals(readFileSync(join(b.outDir, 'index.js')))).toBe(
    false,
  );
});

test('the bundle reaches the layer through the package.json imports map, not through bundled SDK code', () => {
  const dir = tracingFiles(a)[0]?.split('/')[0] ?? '';
  const pkg = JSON.parse(readFileSync(join(a.outDir, 'package.json'), 'utf8')) as { imports?: unknown };
  expect(pkg.imports).toEqual({ '#thaw-tracing/*': `./${dir}/*` });
  const bundle = listFiles(a.outDir)
    .filter((path) => path.endsWith('.js') && !path.startsWith(dir))
    .map((path) => readFileSync(join(a.outDir, path), 'utf8'))
    .join('\n');
  expect(bundle).toContain('#thaw-tracing/sdk-node.mjs');
  expect(bundle).not.toContain('class NodeSDK');
});

test('only the OTLP/HTTP exporter ships: no gRPC or protobuf files in the deploy folder', () => {
  for (const report of [a, b]) {
    const paths = report.manifest.files.map((f) => f.path);
    expect(paths.filter((p) => /grpc|protobuf|zipkin|prometheus/.test(p))).toEqual([]);
  }
  const sdk = readFileSync(join(a.outDir, tracingFiles(a)[0]?.split('/')[0] ?? '', 'sdk-node.mjs'), 'utf8');
  expect(sdk).not.toContain('@grpc/grpc-js');
});

test('the size report splits the shared layer from the bytes unique to the function', () => {
  const tracing = a.size.layers.find((l) => l.layer === 'tracing');
  expect(tracing).toEqual(expect.objectContaining({ sharing: 'shared' }));
  const uniqueBytes = a.size.layers
    .filter((l) => l.sharing === 'unique')
    .reduce((sum, l) => sum + l.bytes, 0);
  expect(a.size.uniqueBytes).toBe(uniqueBytes);
  expect(a.size.output.bytes).toBe(uniqueBytes + (tracing?.bytes ?? 0));
});

test('thaw image puts the tracing layer in a blob of its own, the same for both functions whatever SOURCE_DATE_EPOCH says', async () => {
  await makeTinyBase(join(scratch, 'base'));
  const base = `oci:${join(scratch, 'base')}:tiny`;
  const images = await Promise.all(
    [
      { report: a, epoch: 1_700_000_000 },
      { report: b, epoch: 1_600_000_000 },
    ].map(({ report, epoch }, index) =>
      buildImage({
        deployDir: report.outDir,
        base,
        output: 'oci-layout',
        ociLayoutDir: join(scratch, `layout-${index}`),
        sourceDateEpochSec: epoch,
      }),
    ),
  );
  const [first, second] = images.map((image) => image.size.layers.filter((l) => l.role !== 'base'));
  expect(first?.map((l) => [l.role, l.sharing])).toEqual([
    ['tracing', 'shared'],
    ['dependencies', 'unique'],
    ['app', 'unique'],
  ]);
  expect(first?.[0]?.digest).toBe(second?.[0]?.digest);
  expect(first?.[2]?.digest).not.toBe(second?.[2]?.digest);
  const size = images[0]?.size;
  expect(size?.sharedCompressedBytes).toBe(first?.[0]?.compressedBytes);
  expect(size?.uniqueCompressedBytes).toBe(
    (first?.[1]?.compressedBytes ?? 0) + (first?.[2]?.compressedBytes ?? 0),
  );
}, 120_000);
