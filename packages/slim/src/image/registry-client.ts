// A client for the OCI Distribution API, over plain `fetch`: manifests, blobs (existence check,
// cross-repository mount, monolithic or chunked upload) and the three ways registries let
// you in (anonymous, Basic, and the Bearer token challenge).
import { Buffer } from 'node:buffer';
import { parseChallenge } from './auth-challenge.ts';
import { ImageError } from './errors.ts';
import { mediaTypes, sha256Digest } from './oci-types.ts';
import { type RegistryCredentials } from './registry-credentials.ts';
import { apiHost } from './reference.ts';

/** How to reach one registry. */
export interface RegistryClientSettings {
  /** Host[:port] as written in image references. */
  readonly registry: string;
  readonly plainHttp: boolean;
  readonly credentials: RegistryCredentials | undefined;
  readonly requestTimeoutMs: number;
  readonly fetch: typeof fetch;
}

/** A manifest or index as the registry served it. */
export interface FetchedManifest {
  readonly mediaType: string;
  readonly digest: string;
  readonly bytes: Buffer;
}

const manifestAccept = [
  mediaTypes.ociIndex,
  mediaTypes.ociManifest,
  mediaTypes.dockerList,
  mediaTypes.dockerManifest,
].join(', ');

interface Call {
  readonly method: string;
  readonly url: string;
  /** Repository actions this call needs, e.g. `repository:acme/app:pull,push`. */
  readonly scopes: readonly string[];
  readonly headers?: Record<string, string>;
  readonly body?: Uint8Array;
  /** What the call is about, for error messages: an image reference or blob. */
  readonly about: string;
}

/**
 * Talks to one registry. Authentication happens on the first 401: a Basic challenge gets the
 * credentials, a Bearer challenge sends them to the token realm for the call's scopes.
 *
 * @example
 * ```ts
 * const client = new RegistryClient({ registry: 'ghcr.io', plainHttp: false, credentials: undefined,
 *   requestTimeoutMs: 120_000, fetch });
 * const manifest = await client.getManifest('acme/base', 'latest', 'ghcr.io/acme/base:latest');
 * ```
 */
export class RegistryClient {
  readonly registry: string;
  readonly #settings: RegistryClientSettings;
  readonly #base: string;
  readonly #tokens = new Map<string, string>();
  #basic = false;

  constructor(settings: RegistryClientSettings) {
    this.#settings = settings;
    this.registry = settings.registry;
    this.#base = `${settings.plainHttp ? 'http' : 'https'}://${apiHost(settings.registry)}`;
  }

  /** Reads a manifest or index by tag or digest. */
  async getManifest(repository: string, reference: string, about: string): Promise<FetchedManifest> {
    const res = await this.#send({
      method: 'GET',
      url: `${this.#base}/v2/${repository}/manifests/${reference}`,
      scopes: [`repository:${repository}:pull`],
      headers: { accept: manifestAccept },
      about,
    });
    if (res.status !== 200) throw await this.#failure(res, about, 'read the manifest of');
    const bytes = Buffer.from(await res.arrayBuffer());
    const digest = sha256Digest(bytes);
    if (reference.includes(':') && reference !== digest) {
      throw new ImageError(
        'THAW_IMAGE_REGISTRY_ERROR',
        `Registry ${this.registry} served ${about} with digest ${digest} instead of ${reference}; the registry or a proxy altered it.`,
        { reference: about },
      );
    }
    const mediaType =
      (JSON.parse(bytes.toString('utf8')) as { mediaType?: string }).mediaType ??
      res.headers.get('content-type') ??
      mediaTypes.ociManifest;
    return { mediaType, digest, bytes };
  }

  /** Downloads a blob and checks its digest. */
  async getBlob(repository: string, digest: string, about: string): Promise<Buffer> {
    const res = await this.#send({
      method: 'GET',
      url: `${this.#base}/v2/${repository}/blobs/${digest}`,
      scopes: [`repository:${repository}:pull`],
      about,
    });
    if (res.status !== 200) throw await this.#failure(res, about, `download blob ${digest} of`);
    const bytes = Buffer.from(await res.arrayBuffer());
    if (sha256Digest(bytes) !== digest) {
      throw new ImageError(
        'THAW_IMAGE_REGISTRY_ERROR',
        `Blob ${digest} of ${about} arrived with different content; retry, and check any proxy between you and ${this.registry}.`,
        { reference: about },
      );
    }
    return bytes;
  }

  /** True when the repository already holds the blob. */
  async hasBlob(repository: string, digest: string, about: string): Promise<boolean> {
    const res = await this.#send({
      method: 'HEAD',
      url: `${this.#base}/v2/${repository}/blobs/${digest}`,
      scopes: [`repository:${repository}:pull,push`],
      about,
    });
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw await this.#failure(res, about, `check blob ${digest} of`);
  }

  /**
   * Asks the registry to link a blob from another repository it holds. Resolves true when
   * mounted; false when the caller must upload it.
   */
  async mountBlob(repository: string, digest: string, from: string, about: string): Promise<boolean> {
    const url = `${this.#base}/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`;
    const res = await this.#send({
      method: 'POST',
      url,
      scopes: [`repository:${repository}:pull,push`, `repository:${from}:pull`],
      about,
    });
    if (res.status === 201) return true;
    if (res.status === 202) {
      // The registry opened an upload session instead; close it so it does not linger.
      const location = res.headers.get('location');
      if (location !== null) {
        const cancel = await this.#send({
          method: 'DELETE',
          url: new URL(location, this.#base).href,
          scopes: [`repository:${repository}:pull,push`],
          about,
        });
        await cancel.body?.cancel();
      }
      return false;
    }
    throw await this.#failure(res, about, `mount blob ${digest} into`);
  }

  /** Uploads a blob: in one PUT when it fits `chunkBytes`, else as PATCH chunks. */
  async uploadBlob(
    repository: string,
    digest: string,
    data: Uint8Array,
    chunkBytes: number,
    about: string,
  ): Promise<void> {
    const scopes = [`repository:${repository}:pull,push`];
    const start = await this.#send({
      method: 'POST',
      url: `${this.#base}/v2/${repository}/blobs/uploads/`,
      scopes,
      about,
    });
    if (start.status !== 202) throw await this.#failure(start, about, 'start a blob upload to');
    let location = this.#location(start, about);
    let body: Uint8Array | undefined = data;
    if (data.byteLength > chunkBytes) {
      for (let offset = 0; offset < data.byteLength; offset += chunkBytes) {
        const chunk = data.subarray(offset, Math.min(offset + chunkBytes, data.byteLength));
        const res = await this.#send({
          method: 'PATCH',
          url: location,
          scopes,
          about,
          body: chunk,
          headers: {
            'content-type': 'application/octet-stream',
            'content-range': `${offset}-${offset + chunk.byteLength - 1}`,
          },
        });
        if (res.status !== 202) throw await this.#failure(res, about, `upload a chunk of blob ${digest} to`);
        location = this.#location(res, about);
      }
      body = undefined;
    }
    const url = new URL(location);
    url.searchParams.set('digest', digest);
    const put = await this.#send({
      method: 'PUT',
      url: url.href,
      scopes,
      about,
      headers: { 'content-type': 'application/octet-stream' },
      ...(body === undefined ? {} : { body }),
    });
    if (put.status !== 201) throw await this.#failure(put, about, `finish the upload of blob ${digest} to`);
  }

  /** Stores a manifest under a tag (or digest) and resolves with the digest the registry reports. */
  async putManifest(
    repository: string,
    reference: string,
    bytes: Uint8Array,
    mediaType: string,
    about: string,
  ): Promise<string> {
    const res = await this.#send({
      method: 'PUT',
      url: `${this.#base}/v2/${repository}/manifests/${reference}`,
      scopes: [`repository:${repository}:pull,push`],
      headers: { 'content-type': mediaType },
      body: bytes,
      about,
    });
    if (res.status !== 201) throw await this.#failure(res, about, 'store the manifest of');
    return res.headers.get('docker-content-digest') ?? sha256Digest(bytes);
  }

  #location(res: Response, about: string): string {
    const location = res.headers.get('location');
    if (location === null) {
      throw new ImageError(
        'THAW_IMAGE_REGISTRY_ERROR',
        `Registry ${this.registry} started an upload for ${about} without a Location header; it does not follow the OCI Distribution API.`,
        { reference: about },
      );
    }
    return new URL(location, this.#base).href;
  }

  async #send(call: Call): Promise<Response> {
    let res = await this.#fetch(call);
    if (res.status !== 401) return res;
    const challenge = parseChallenge(res.headers.get('www-authenticate'));
    await res.body?.cancel();
    if (challenge === undefined || (this.#settings.credentials === undefined && challenge.scheme === 'basic'))
      return res;
    if (challenge.scheme === 'basic') this.#basic = true;
    else if (challenge.scheme === 'bearer') await this.#fetchToken(challenge.params, call);
    else return res;
    res = await this.#fetch(call);
    return res;
  }

  #authorization(scopes: readonly string[]): string | undefined {
    const token = this.#tokens.get(scopes.join(' '));
    if (token !== undefined) return `Bearer ${token}`;
    const creds = this.#settings.credentials;
    if (this.#basic && creds !== undefined) {
      return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    }
    return undefined;
  }

  async #fetch(call: Call): Promise<Response> {
    const headers: Record<string, string> = { ...call.headers };
    const authorization = this.#authorization(call.scopes);
    if (authorization !== undefined) headers['authorization'] = authorization;
    try {
      return await this.#settings.fetch(call.url, {
        method: call.method,
        headers,
        ...(call.body === undefined ? {} : { body: call.body }),
        signal: AbortSignal.timeout(this.#settings.requestTimeoutMs),
      });
    } catch (error) {
      const reason =
        error instanceof Error
          ? ((error.cause as Error | undefined)?.message ?? error.message)
          : String(error);
      const hint = this.#settings.plainHttp
        ? 'Check that the registry runs and the address is right.'
        : 'Check that the registry runs and the address is right; for a registry that speaks plain HTTP, list it with --insecure-registry.';
      throw new ImageError(
        'THAW_IMAGE_REGISTRY_UNREACHABLE',
        `Could not reach registry ${this.registry} for ${call.about} (${call.method} ${new URL(call.url).pathname}: ${reason}). ${hint}`,
        { cause: error, reference: call.about },
      );
    }
  }

  async #fetchToken(params: Readonly<Record<string, string>>, call: Call): Promise<void> {
    const realm = params['realm'];
    if (realm === undefined) return;
    const url = new URL(realm);
    if (params['service'] !== undefined) url.searchParams.set('service', params['service']);
    const scopes =
      call.scopes.length > 0 ? call.scopes : params['scope'] === undefined ? [] : [params['scope']];
    for (const scope of scopes) url.searchParams.append('scope', scope);
    const creds = this.#settings.credentials;
    const headers: Record<string, string> = {};
    if (creds !== undefined)
      headers['authorization'] =
        `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    let res: Response;
    try {
      res = await this.#settings.fetch(url.href, {
        headers,
        signal: AbortSignal.timeout(this.#settings.requestTimeoutMs),
      });
    } catch (error) {
      throw new ImageError(
        'THAW_IMAGE_REGISTRY_UNREACHABLE',
        `Could not reach the token service ${url.origin} that registry ${this.registry} sent us to for ${call.about}. Check the network path to it.`,
        { cause: error, reference: call.about },
      );
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      return; // the retried call fails with the registry's own 401, which says what to do
    }
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (token !== undefined) this.#tokens.set(call.scopes.join(' '), token);
  }

  async #failure(res: Response, about: string, action: string): Promise<ImageError> {
    let detail = '';
    try {
      const body = (await res.json()) as { errors?: { code?: string; message?: string }[] };
      const first = body.errors?.[0];
      if (first !== undefined) detail = `: ${first.code ?? ''} ${first.message ?? ''}`.trimEnd();
    } catch {
      // Not every error has a JSON body (HEAD never does).
    }
    const status = `registry ${this.registry} answered ${res.status}${detail}`;
    if (res.status === 401 || res.status === 403) {
      const how =
        this.#settings.credentials === undefined
          ? 'No credentials were found for it: set THAW_REGISTRY_USERNAME and THAW_REGISTRY_PASSWORD, or log in with docker login (Docker config "auths").'
          : 'The credentials found for it were refused or lack access: check the username, password or token and its permissions for this repository.';
      return new ImageError('THAW_IMAGE_UNAUTHORIZED', `Could not ${action} ${about}: ${status}. ${how}`, {
        reference: about,
      });
    }
    if (res.status === 404) {
      return new ImageError(
        'THAW_IMAGE_NOT_FOUND',
        `Could not ${action} ${about}: ${status}. Check the repository name and tag (for a base image, pass an existing one with --base).`,
        { reference: about },
      );
    }
    return new ImageError(
      'THAW_IMAGE_REGISTRY_ERROR',
      `Could not ${action} ${about}: ${status}. Retry; if it persists, check the registry's logs.`,
      { reference: about },
    );
  }
}
