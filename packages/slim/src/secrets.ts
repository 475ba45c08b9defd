import { basename } from 'node:path';

/**
 * Why a path looks like a secret, or null when it does not: `.env*`, `*.pem`, `*.key`, SSH keys
 * (`id_rsa`, `id_ed25519`, … and their `.pub`), `.npmrc`, and anything inside `.git`.
 *
 * @example
 * ```ts
 * secretKind('node_modules/x/.env.production'); // 'an .env file'
 * secretKind('node_modules/x/index.js'); // null
 * ```
 */
export function secretKind(path: string): string | null {
  const segments = path.split(/[\\/]/);
  if (segments.includes('.git')) return 'a git directory';
  const name = basename(path);
  if (name === '.env' || name.startsWith('.env.')) return 'an .env file';
  if (name.endsWith('.pem')) return 'a PEM certificate or key';
  if (name.endsWith('.key')) return 'a private key';
  // SSH key names only: a module called id_utils.js is not a key.
  if (
    /^id_(rsa|dsa|ecdsa|ed25519|ecdsa_sk|ed25519_sk|[a-z0-9]+)(\.pub)?$/.test(name) &&
    !/\.(c|m)?[jt]s$|\.json$/.test(name)
  ) {
    return 'an SSH key';
  }
  if (name === '.npmrc') return 'an .npmrc (may hold registry tokens)';
  return null;
}

/** Outcome of filtering paths for secrets. */
export interface SecretFilter<T> {
  readonly kept: T[];
  /** Refused paths, each with why. */
  readonly refused: { readonly path: string; readonly kind: string }[];
}

/**
 * Splits items into those that may enter the deploy folder and those refused as secrets;
 * `allow` lists output paths let through on purpose (exact paths, or `dir/*` prefixes).
 *
 * @example
 * ```ts
 * const { kept, refused } = filterSecrets(files, (f) => f.path, ['certs/ca.pem']);
 * ```
 */
export function filterSecrets<T>(
  items: readonly T[],
  pathOf: (item: T) => string,
  allow: readonly string[],
): SecretFilter<T> {
  const kept: T[] = [];
  const refused: { path: string; kind: string }[] = [];
  for (const item of items) {
    const path = pathOf(item);
    const kind = secretKind(path);
    if (kind === null || isAllowed(path, allow)) kept.push(item);
    else refused.push({ path, kind });
  }
  return { kept, refused };
}

function isAllowed(path: string, allow: readonly string[]): boolean {
  return allow.some((pattern) =>
    pattern.endsWith('/*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern,
  );
}
