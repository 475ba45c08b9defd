import { expect, test } from 'vitest';
import { nodeModulesPathOf, packageOfSpecifier } from './package-name.ts';

test('the package of a bare specifier, scoped or not; null for paths and built-ins', () => {
  expect(packageOfSpecifier('pg')).toBe('pg');
  expect(packageOfSpecifier('pg/lib/client.js')).toBe('pg');
  expect(packageOfSpecifier('@opentelemetry/api/build/src')).toBe('@opentelemetry/api');
  expect(packageOfSpecifier('./local.ts')).toBeNull();
  expect(packageOfSpecifier('/abs/file.js')).toBeNull();
  expect(packageOfSpecifier('node:fs')).toBeNull();
  expect(packageOfSpecifier('events')).toBeNull();
});

test('a file in node_modules keeps its nesting from the first node_modules and names its own package', () => {
  expect(nodeModulesPathOf('/srv/app/node_modules/pg/node_modules/pg-types/index.js')).toEqual({
    path: 'node_modules/pg/node_modules/pg-types/index.js',
    packageName: 'pg-types',
  });
  expect(nodeModulesPathOf('/srv/app/node_modules/@ioredis/commands/built/index.js')).toEqual({
    path: 'node_modules/@ioredis/commands/built/index.js',
    packageName: '@ioredis/commands',
  });
  expect(nodeModulesPathOf('/srv/app/src/index.ts')).toBeNull();
});
