// A client for the OCI Distribution API, over plain `fetch`: manifests, blobs (existence check,
// cross-repository mount, monolithic or chunked upload) and the three ways registries let
// you in (anonymous, Basic, and the Bearer token challenge).
import { Buffer } from 'node:buffer';
import { ImageError } from './errors.ts';
import { mediaTypes, sha256Digest } from './oci-types.ts';
import { RegistryAuth } from './registry-auth.ts';
import { type RegistryCredentials } from './registry-credentials.ts';
import { registryFailure } from './registry-failure.ts';
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

/** The manifest's own mediaType field, else the Content-Type it was served with. */
function manifestMediaType(bytes: Buffer, contentType: string | null): string {
  try {
    const field = (JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown }).mediaType;
    if (typeof field === 'string') return field;
  } catch {
    // not JSON: the caller's parse reports it with the image's name
  }
  return contentType?.split(';')[0]?.trim() ?? mediaTypes.ociManifest;
}

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
  readonly #auth: RegistryAuth;

  constructor(settings: RegistryClientSettings) {
    this.#settings = settings;
    this.registry = settings.registry;
    this.#auth = new RegistryAuth(settings);
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
    return { mediaType: manifestMediaType(bytes, res.headers.get('content-type')), digest, bytes };
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
    const res = await this.#fetch(call);
    if (res.status !== 401 || !(await this.#auth.answer(res, call.scopes, call.about))) return res;
    return this.#fetch(call);
  }

  #failure(res: Response, about: string, action: string): Promise<ImageError> {
    return registryFailure(res, this.registry, this.#settings.credentials !== undefined, about, action);
  }

  async #fetch(call: Call): Promise<Response> {
    const headers: Record<string, string> = { ...call.headers };
    const authorization = this.#auth.header(call.scopes);
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
      const offline =
        'To build with no registry access for the base image, pass --base oci:<dir>[:tag] (a local OCI image layout).';
      const hint = this.#settings.plainHttp
        ? `Check that the registry runs and the address is right. ${offline}`
        : `Check that the registry runs and the address is right; for a registry that speaks plain HTTP, list it with --insecure-registry. ${offline}`;
      throw new ImageError(
        'THAW_IMAGE_REGISTRY_UNREACHABLE',
        `Could not reach registry ${this.registry} for ${call.about} (${call.method} ${new URL(call.url).pathname}: ${reason}). ${hint}`,
        { cause: error, reference: call.about },
      );
    }
  }
}
