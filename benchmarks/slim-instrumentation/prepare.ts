// Builds the deploy folders this benchmark starts: the pg + ioredis + OpenTelemetry fixture of
// @thaw/slim, slimmed with its instrumented packages bundled behind require stubs (the default),
// traced whole, and inlined out of the hooks' reach, each with and without a compile cache. Run: node benchmarks/slim-instrumentation/prepare.ts
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { slim } from '../../packages/slim/src/slim.ts';
import { fixtureProject } from '../../packages/slim/test/support/fixture-project.ts';

const out = join(import.meta.dirname, 'out');
const project = fixtureProject('traced-fn');
const quiet = { info: (): void => undefined, warn: (): void => undefined };
const variants = [
  { name: 'stubbed', instrumentedPackages: 'auto', instrumentedAs: 'bundled', compileCache: false },
  { name: 'external', instrumentedPackages: 'auto', instrumentedAs: 'external', compileCache: false },
  { name: 'inlined', instrumentedPackages: [], instrumentedAs: 'bundled', compileCache: false },
  { name: 'stubbed-cache', instrumentedPackages: 'auto', instrumentedAs: 'bundled', compileCache: true },
  { name: 'external-cache', instrumentedPackages: 'auto', instrumentedAs: 'external', compileCache: true },
  { name: 'inlined-cache', instrumentedPackages: [], instrumentedAs: 'bundled', compileCache: true },
] as const;
try {
  for (const variant of variants) {
    const report = await slim({
      projectDir: project,
      outDir: join(out, variant.name),
      instrumentedPackages: variant.instrumentedPackages,
      instrumentedAs: variant.instrumentedAs,
      compileCache: variant.compileCache,
      logger: quiet,
    });
    const { input, output, ratio } = report.size;
    process.stdout.write(
      `${variant.name}: input ${input.packages} packages, ${input.files} files, ${input.bytes} bytes; ` +
        `output ${output.files} files, ${output.bytes} bytes (${(ratio * 100).toFixed(1)}%); ` +
        `external: ${report.unbundled.map((u) => u.name).join(', ')}\n`,
    );
  }
} finally {
  rmSync(project, { recursive: true, force: true });
}
