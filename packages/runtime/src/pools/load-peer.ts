import { PeerMissingError } from '../errors.ts';

// The optional peers load here and nowhere else, each with a literal specifier so bundlers can
// see them, and only when the first pool of that kind is created: importing the pools module
// costs nothing.

/** The optional peers the pools use; their members are picked with {@link member}. */
export interface PeerModules {
  readonly pg: unknown;
  readonly ioredis: unknown;
  readonly 'generic-pool': unknown;
}

/** Name of an optional peer package. */
export type PeerName = keyof PeerModules;

type Importers = { readonly [N in PeerName]: () => Promise<PeerModules[N]> };

const importers: Importers = {
  pg: () => import('pg'),
  ioredis: () => import('ioredis'),
  'generic-pool': () => import('generic-pool'),
};

const loading = new Map<PeerName, Promise<unknown>>();

/**
 * Imports an optional peer once; a missing package becomes a `PeerMissingError` naming it.
 * A failed import is not cached, so installing the package and retrying works.
 *
 * @example
 * ```ts
 * const pg = await loadPeer('pg', 'pools.pg()');
 * ```
 */
export function loadPeer<N extends PeerName>(name: N, feature: string): Promise<PeerModules[N]> {
  let pending = loading.get(name) as Promise<PeerModules[N]> | undefined;
  if (pending === undefined) {
    pending = importers[name]().catch((error: unknown) => {
      loading.delete(name);
      if (isMissing(error, name)) throw new PeerMissingError(name, feature, { cause: error });
      throw error;
    });
    loading.set(name, pending);
  }
  return pending;
}

function isMissing(error: unknown, name: string): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    (error.message.includes(`'${name}'`) || error.message.includes(`"${name}"`))
  );
}

/**
 * A CommonJS module imported from ESM exposes its exports on `default`, and sometimes also as
 * named exports; this picks the member either way.
 */
export function member(module: unknown, key: string): unknown {
  const named = (module as Record<string, unknown>)[key];
  if (named !== undefined) return named;
  const fallback = (module as { default?: Record<string, unknown> }).default;
  return fallback?.[key];
}
