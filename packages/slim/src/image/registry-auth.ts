// Authentication against one registry, started by its first 401: a Basic challenge gets the
// credentials on every later request; a Bearer challenge sends them (or nothing, for anonymous
// pulls) to the token realm for the scopes the call needs, and the token is reused for calls
// with the same scopes.
import { Buffer } from 'node:buffer';
import { parseChallenge } from './auth-challenge.ts';
import { ImageError } from './errors.ts';
import { type RegistryCredentials } from './registry-credentials.ts';

/** What the authenticator needs to know. */
export interface RegistryAuthSettings {
  readonly registry: string;
  /** True when the registry itself is reached over plain HTTP (loopback or listed insecure). */
  readonly plainHttp: boolean;
  readonly credentials: RegistryCredentials | undefined;
  readonly requestTimeoutMs: number;
  readonly fetch: typeof fetch;
}

function basic(creds: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
}

/**
 * Holds what one registry accepted: Basic credentials or Bearer tokens by scope.
 *
 * @example
 * ```ts
 * const auth = new RegistryAuth({ registry: 'ghcr.io', plainHttp: false, credentials, requestTimeoutMs: 120_000, fetch });
 * if (res.status === 401 && (await auth.answer(res, scopes, 'ghcr.io/acme/app:1'))) retry();
 * ```
 */
export class RegistryAuth {
  readonly #settings: RegistryAuthSettings;
  readonly #tokens = new Map<string, string>();
  #basic = false;

  constructor(settings: RegistryAuthSettings) {
    this.#settings = settings;
  }

  /** The Authorization header for a call needing `scopes`, if any is known yet. */
  header(scopes: readonly string[]): string | undefined {
    const token = this.#tokens.get(scopes.join(' '));
    if (token !== undefined) return `Bearer ${token}`;
    const creds = this.#settings.credentials;
    return this.#basic && creds !== undefined ? basic(creds) : undefined;
  }

  /**
   * Handles a 401 (consuming its body) and resolves true when the call should be retried
   * with the new {@link header}.
   */
  async answer(res: Response, scopes: readonly string[], about: string): Promise<boolean> {
    const challenge = parseChallenge(res.headers.get('www-authenticate'));
    await res.body?.cancel();
    if (challenge?.scheme === 'basic') {
      if (this.#settings.credentials === undefined || this.#basic) return false;
      this.#basic = true;
      return true;
    }
    if (challenge?.scheme !== 'bearer') return false;
    const token = await this.#token(challenge.params, scopes, about);
    if (token === undefined) return false;
    this.#tokens.set(scopes.join(' '), token);
    return true;
  }

  async #token(
    params: Readonly<Record<string, string>>,
    scopes: readonly string[],
    about: string,
  ): Promise<string | undefined> {
    const realm = params['realm'];
    if (realm === undefined) return undefined;
    let url: URL;
    try {
      url = new URL(realm);
    } catch (error) {
      throw new ImageError(
        'THAW_IMAGE_REGISTRY_ERROR',
        `Registry ${this.#settings.registry} sent an invalid token realm for ${about}; it does not follow the OCI Distribution API.`,
        { cause: error, reference: about },
      );
    }
    if (params['service'] !== undefined) url.searchParams.set('service', params['service']);
    const wanted = scopes.length > 0 ? scopes : params['scope'] === undefined ? [] : [params['scope']];
    for (const scope of wanted) url.searchParams.append('scope', scope);
    const headers: Record<string, string> = {};
    const creds = this.#settings.credentials;
    // Credentials go in clear text over http; allow that only where the registry itself is http.
    if (creds !== undefined && (url.protocol === 'https:' || this.#settings.plainHttp))
      headers['authorization'] = basic(creds);
    let res: Response;
    try {
      res = await this.#settings.fetch(url.href, {
        headers,
        signal: AbortSignal.timeout(this.#settings.requestTimeoutMs),
      });
    } catch (error) {
      throw new ImageError(
        'THAW_IMAGE_REGISTRY_UNREACHABLE',
        `Could not reach the token service ${url.origin} that registry ${this.#settings.registry} sent us to for ${about}. Check the network path to it.`,
        { cause: error, reference: about },
      );
    }
    if (res.status !== 200) {
      // The retried call is not made; the caller reports the registry's own 401.
      await res.body?.cancel();
      return undefined;
    }
    const body = (await res.json()) as { token?: string; access_token?: string };
    return body.token ?? body.access_token;
  }
}
