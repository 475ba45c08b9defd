// The Knative runtime contract as environment variables: the revision's identity and, when a
// SinkBinding targets the function, where its events go and which attributes to override.
import { ConfigError } from './errors.ts';

/**
 * The Knative environment of this process; every field is absent outside Knative.
 *
 * @example
 * ```ts
 * serve((_request, ctx) => new Response(ctx.knative.revision ?? 'local'));
 * ```
 */
export interface KnativeEnv {
  /** `K_SERVICE`: the Knative Service name. */
  readonly service?: string;
  /** `K_REVISION`: the revision running this process. */
  readonly revision?: string;
  /** `K_CONFIGURATION`: the Configuration that created the revision. */
  readonly configuration?: string;
  /** `K_SINK`: where a SinkBinding says events go. */
  readonly sink?: string;
  /** `K_CE_OVERRIDES`, parsed: extension attributes to set on every published event. */
  readonly ceOverrides?: { readonly extensions: Readonly<Record<string, string>> };
}

/**
 * Reads `K_SERVICE`, `K_REVISION`, `K_CONFIGURATION`, `K_SINK` and `K_CE_OVERRIDES`.
 * Throws a {@link ConfigError} when `K_SINK` is not a URL or `K_CE_OVERRIDES` is not the JSON
 * a SinkBinding writes.
 *
 * @example
 * ```ts
 * const { service, revision } = readKnativeEnv(process.env);
 * ```
 */
export function readKnativeEnv(env: NodeJS.ProcessEnv): KnativeEnv {
  const pick = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const sink = pick('K_SINK');
  if (sink !== undefined && !URL.canParse(sink)) {
    throw new ConfigError('K_SINK environment variable', sink, 'an absolute URL (set by a SinkBinding)');
  }
  const overrides = pick('K_CE_OVERRIDES');
  const service = pick('K_SERVICE');
  const revision = pick('K_REVISION');
  const configuration = pick('K_CONFIGURATION');
  return {
    ...(service === undefined ? {} : { service }),
    ...(revision === undefined ? {} : { revision }),
    ...(configuration === undefined ? {} : { configuration }),
    ...(sink === undefined ? {} : { sink }),
    ...(overrides === undefined ? {} : { ceOverrides: parseOverrides(overrides) }),
  };
}

function parseOverrides(text: string): { extensions: Record<string, string> } {
  const allowed = 'JSON like {"extensions":{"name":"value"}} with lower-case alphanumeric names';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError('K_CE_OVERRIDES environment variable', text, allowed, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('K_CE_OVERRIDES environment variable', text, allowed);
  }
  const extensions: unknown = (parsed as { extensions?: unknown }).extensions ?? {};
  if (typeof extensions !== 'object' || extensions === null || Array.isArray(extensions)) {
    throw new ConfigError('K_CE_OVERRIDES environment variable', text, allowed);
  }
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(extensions as Record<string, unknown>)) {
    if (!/^[a-z0-9]+$/.test(name))
      throw new ConfigError('K_CE_OVERRIDES environment variable', text, allowed);
    result[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return { extensions: result };
}
