// A host name that does not resolve is a configuration fault more often than an outage: the
// names the generated manifests default to (`redis`, `postgres`) are Kubernetes Services, which
// exist only in the cluster's DNS. "getaddrinfo ENOTFOUND redis" under a pool's retry words does
// not say what to change, so the error names the host, the environment variable that holds the
// URL (when one does) and the fix.
import { redactSecrets } from '../errors.ts';
import { PoolHostUnresolvedError, type PoolKind } from './pool-errors.ts';

const lookupCodes = new Set(['ENOTFOUND', 'EAI_AGAIN']);

/** Where a pool's URL usually comes from, and one that works outside a cluster. */
export interface UrlConvention {
  /** The environment variable such URLs usually come from (`REDIS_URL`). */
  readonly variable: string;
  /** A URL that works on a developer's machine (`redis://127.0.0.1:6379`). */
  readonly example: string;
}

/**
 * The explained error when `error` is a failed DNS lookup (`getaddrinfo ENOTFOUND redis`), else
 * `undefined`. `url` is the URL the pool was given: the variable holding exactly it is named.
 */
export function unresolvedHostError(
  poolName: string,
  kind: PoolKind,
  error: unknown,
  url: string | undefined,
  convention: UrlConvention,
): PoolHostUnresolvedError | undefined {
  const host = unresolvedHostOf(error);
  if (host === undefined) return undefined;
  const code = (error as { code: string }).code;
  const what = code === 'EAI_AGAIN' ? 'could not be resolved (no DNS answer)' : 'does not resolve';
  const variable = url === undefined ? undefined : variableHolding(url, convention.variable);
  const from =
    variable === undefined
      ? "The pool's configuration names it"
      : `${variable} (${redactSecrets(url ?? '')}) names it`;
  const advice =
    `The host name "${host}" ${what} here. ${from}; a Kubernetes Service name (as the generated manifests ` +
    `default to) resolves only inside the cluster. Outside it, set ${variable ?? convention.variable} to a server ` +
    `this process can reach (for example ${convention.example}); inside it, check that the Service exists in ` +
    'this namespace. The pool keeps trying, so the function becomes ready once the name resolves.';
  return new PoolHostUnresolvedError(poolName, kind, host, advice, { cause: error });
}

function unresolvedHostOf(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, hostname } = error as Error & { code?: unknown; hostname?: unknown };
  if (typeof code !== 'string' || !lookupCodes.has(code)) return undefined;
  return typeof hostname === 'string' && hostname !== '' ? hostname : undefined;
}

// Only an exact match (the URL usually comes straight from `process.env.X`), the usual name first.
function variableHolding(value: string, usual: string): string | undefined {
  if (value === '') return undefined;
  if (process.env[usual] === value) return usual;
  for (const [name, held] of Object.entries(process.env)) if (held === value) return name;
  return undefined;
}
