import { isBuiltin } from 'node:module';
import { sep } from 'node:path';

/**
 * The package a bare import specifier names (`@scope/pkg/sub` → `@scope/pkg`), or null for a
 * relative path, an absolute path or a Node built-in.
 *
 * @example
 * ```ts
 * packageOfSpecifier('pg/lib/client'); // 'pg'
 * packageOfSpecifier('node:fs'); // null
 * ```
 */
export function packageOfSpecifier(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || isBuiltin(specifier)) return null;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return name === undefined || name === '' ? null : name;
}

/**
 * For a file inside a `node_modules` folder, its path from the first `node_modules` on
 * (`node_modules/pg/node_modules/x/y.js`, `/` separated) and its package name; null otherwise.
 *
 * @example
 * ```ts
 * nodeModulesPathOf('/app/node_modules/@otel/api/build/index.js');
 * // { path: 'node_modules/@otel/api/build/index.js', packageName: '@otel/api' }
 * ```
 */
export function nodeModulesPathOf(file: string): { path: string; packageName: string } | null {
  const parts = file.split(sep).join('/').split('/');
  const first = parts.indexOf('node_modules');
  if (first < 0) return null;
  const rest = parts.slice(first);
  // The package is the one right after the last node_modules segment.
  const last = rest.lastIndexOf('node_modules');
  const scoped = rest[last + 1]?.startsWith('@') === true;
  const packageName = rest.slice(last + 1, last + (scoped ? 3 : 2)).join('/');
  if (packageName === '') return null;
  return { path: rest.join('/'), packageName };
}
