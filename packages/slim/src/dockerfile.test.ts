import { expect, test } from 'vitest';
import { dockerfile, dockerignore, type DockerfileInput } from './dockerfile.ts';

const input: DockerfileInput = {
  nodeVersion: '24.21.0',
  baseImage: null,
  buildImage: null,
  dependencyPaths: ['node_modules', 'package.json'],
  appPaths: ['chunks', 'compile-cache', 'index.js', 'index.js.map'],
  compileCache: true,
  enableSourceMaps: false,
  port: 8080,
};

test('two stages: node:<version>-slim to build, distroless for the Node major to run', () => {
  const lines = dockerfile(input).split('\n');
  expect(lines.filter((l) => l.startsWith('FROM '))).toEqual([
    'FROM node:24.21.0-slim AS build',
    'FROM gcr.io/distroless/nodejs24-debian12',
  ]);
});

test('the dependencies layer comes before the bundle, the user is non-root and CMD is exec form', () => {
  const text = dockerfile(input);
  expect(text.indexOf('COPY --from=build /app/node_modules')).toBeLessThan(
    text.indexOf('COPY --from=build /app/index.js '),
  );
  expect(text.indexOf('COPY --from=build /app/package.json')).toBeLessThan(
    text.indexOf('COPY --from=build /app/chunks'),
  );
  expect(text).toContain('ENV NODE_ENV=production');
  expect(text).toContain('USER 65532:65532');
  expect(text).toMatch(/\nCMD \["index\.js"\]\n/);
  expect(text).not.toContain('ENTRYPOINT');
});

test('--enable-source-maps goes into CMD when asked, and a custom base gets node as its entrypoint', () => {
  const text = dockerfile({
    ...input,
    enableSourceMaps: true,
    baseImage: 'node:24-alpine',
    compileCache: false,
  });
  expect(text).toContain('FROM node:24-alpine\n');
  expect(text).toContain('ENTRYPOINT ["node"]');
  expect(text).toContain('CMD ["--enable-source-maps","index.js"]');
  expect(text).not.toContain('NODE_COMPILE_CACHE');
});

test('.dockerignore keeps the build files out of the image context', () => {
  expect(dockerignore().split('\n')).toEqual(
    expect.arrayContaining(['Dockerfile', 'knative', 'size-report.json', 'thaw-slim.json']),
  );
});

test('with a compile cache, the base image fills it with its own node as root, then the function user runs', () => {
  const lines = dockerfile(input).split('\n');
  expect(lines).not.toContain('COPY --from=build /app/compile-cache /app/compile-cache');
  const run = lines.findIndex((l) => l.startsWith('RUN ["/nodejs/bin/node"'));
  expect(lines[run]).toBe('RUN ["/nodejs/bin/node","/tmp/thaw-compile-cache.cjs","65532","index.js"]');
  expect(run).toBeGreaterThan(lines.indexOf('COPY --from=build /app/index.js /app/index.js'));
  expect(run).toBeLessThan(lines.indexOf('USER 65532:65532'));
  expect(dockerignore().split('\n')).toContain('compile-cache');
});

test('the shared tracing layer is copied first, before the dependencies, so its image layer is the same for every function', () => {
  const text = dockerfile({ ...input, tracingPaths: ['thaw-tracing-0123456789ab'] });
  const tracing = text.indexOf(
    'COPY --from=build /app/thaw-tracing-0123456789ab /app/thaw-tracing-0123456789ab',
  );
  expect(tracing).toBeGreaterThan(0);
  expect(tracing).toBeLessThan(text.indexOf('COPY --from=build /app/node_modules'));
  expect(dockerfile(input)).not.toContain('thaw-tracing-');
});

test('source maps stay out of the image context unless node is started with --enable-source-maps', () => {
  expect(dockerignore(false).split('\n')).toContain('**/*.map');
  expect(dockerignore(true).split('\n')).not.toContain('**/*.map');
});
