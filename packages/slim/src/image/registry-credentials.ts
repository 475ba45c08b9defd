// Where registry credentials come from: THAW_REGISTRY_USERNAME/THAW_REGISTRY_PASSWORD for the
// registry being pushed to, else the `auths` of Docker's config.json. They are handed only to
// the registry they belong to and never logged or written anywhere.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** A username and password (or token) for one registry. */
export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
}

/** Where to look for credentials. */
export interface CredentialSources {
  /** The environment to read `THAW_REGISTRY_USERNAME`/`THAW_REGISTRY_PASSWORD` and `DOCKER_CONFIG` from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The registry the env credentials are for (the push target). */
  readonly envRegistry: string | undefined;
  /** Docker's config file; `$DOCKER_CONFIG/config.json` or `~/.docker/config.json` when undefined. */
  readonly dockerConfigPath: string | undefined;
}

const dockerHubAliases = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** The host of a Docker config `auths` key (`https://index.docker.io/v1/` → `docker.io`). */
function normalizeHost(key: string): string {
  const host = key
    .replace(/^[a-z]+:\/\//iu, '')
    .replace(/\/.*$/u, '')
    .toLowerCase();
  return dockerHubAliases.has(host) ? 'docker.io' : host;
}

/** The path of Docker's client config for an environment. */
export function dockerConfigPath(env: Readonly<Record<string, string | undefined>>): string {
  const dir = env['DOCKER_CONFIG'];
  return dir !== undefined && dir !== ''
    ? join(dir, 'config.json')
    : join(homedir(), '.docker', 'config.json');
}

/**
 * Finds credentials for `registry`, or undefined for anonymous access.
 *
 * @example
 * ```ts
 * const creds = await findCredentials('ghcr.io', {
 *   env: process.env, envRegistry: 'ghcr.io', dockerConfigPath: undefined,
 * });
 * ```
 */
export async function findCredentials(
  registry: string,
  sources: CredentialSources,
): Promise<RegistryCredentials | undefined> {
  const wanted = normalizeHost(registry);
  const username = sources.env['THAW_REGISTRY_USERNAME'];
  const password = sources.env['THAW_REGISTRY_PASSWORD'];
  if (
    username !== undefined &&
    password !== undefined &&
    sources.envRegistry !== undefined &&
    normalizeHost(sources.envRegistry) === wanted
  ) {
    return { username, password };
  }
  let text: string;
  try {
    text = await readFile(sources.dockerConfigPath ?? dockerConfigPath(sources.env), 'utf8');
  } catch {
    return undefined;
  }
  let config: { auths?: Record<string, { auth?: string; username?: string; password?: string }> };
  try {
    config = JSON.parse(text) as typeof config;
  } catch {
    return undefined;
  }
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    if (normalizeHost(key) !== wanted) continue;
    if (typeof entry.auth === 'string' && entry.auth !== '') {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    if (typeof entry.username === 'string' && typeof entry.password === 'string') {
      return { username: entry.username, password: entry.password };
    }
  }
  return undefined;
}
