import { defineConfig } from 'vitest/config';

// One runner for the whole repository. Every package is a project; `test/` holds the
// end-to-end suite that installs packed tarballs. Integration tests talk to the real
// PostgreSQL and Redis on loopback, checked once by the global setup.
const shared: { testTimeout: number; hookTimeout: number; globalSetup: string[]; detectAsyncLeaks: boolean } =
  {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['./test/support/services-setup.ts'],
    detectAsyncLeaks: true,
  };

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      { test: { ...shared, name: 'runtime', include: ['packages/runtime/{src,test}/**/*.test.ts'] } },
      { test: { ...shared, name: 'slim', include: ['packages/slim/{src,test}/**/*.test.ts'] } },
      { test: { ...shared, name: 'bench', include: ['packages/bench/{src,test}/**/*.test.ts'] } },
      { test: { ...shared, name: 'cli', include: ['packages/cli/{src,test}/**/*.test.ts'] } },
      { test: { ...shared, name: 'examples', include: ['examples/*/{src,test}/**/*.test.ts'] } },
      {
        test: {
          ...shared,
          name: 'reliability',
          include: ['test/reliability/**/*.test.ts'],
          globalSetup: [...shared.globalSetup, './test/reliability/support/results-setup.ts'],
          // Faults, signals and load: one file at a time keeps the figures free of each other's noise.
          fileParallelism: false,
        },
      },
      {
        test: {
          ...shared,
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          exclude: ['test/support/**', 'test/reliability/**'],
          // Each file packs and installs tarballs; running them one at a time keeps npm's cache sane.
          fileParallelism: false,
        },
      },
    ],
  },
});
