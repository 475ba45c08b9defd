// Parses `WWW-Authenticate` challenges (RFC 7235) as registries send them:
// `Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a:pull"`.

/** One authentication challenge. */
export interface AuthChallenge {
  /** Lower-cased scheme, `basic` or `bearer` in practice. */
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Parses the first challenge of a `WWW-Authenticate` header.
 *
 * @example
 * ```ts
 * parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io"');
 * // { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io' } }
 * ```
 */
export function parseChallenge(header: string | null): AuthChallenge | undefined {
  if (header === null) return undefined;
  const match = /^\s*([A-Za-z][\w-]*)\s*(.*)$/su.exec(header);
  if (match === null) return undefined;
  const params: Record<string, string> = {};
  const pattern = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?\s*/gsu;
  for (const p of (match[2] ?? '').matchAll(pattern)) {
    const key = p[1];
    if (key === undefined) continue;
    params[key.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/gsu, '$1') : (p[3] ?? '');
  }
  return { scheme: (match[1] ?? '').toLowerCase(), params };
}
