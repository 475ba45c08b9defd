// Image references: `registry/repository[:tag][@digest]` as Docker spells them, and local OCI
// layouts (`oci:<dir>[:<ref>]`, or a directory holding an `oci-layout` file).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ImageError } from './errors.ts';

/** An image in a registry. */
export interface RegistryReference {
  readonly kind: 'registry';
  /** Host[:port] as written, `docker.io` when the reference names none. */
  readonly registry: string;
  readonly repository: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

/** An image in an OCI image layout directory. */
export interface LayoutReference {
  readonly kind: 'oci-layout';
  readonly dir: string;
  /** The `org.opencontainers.image.ref.name` to pick, or the layout's only image. */
  readonly refName: string | undefined;
}

/** Either kind of image reference. */
export type ImageReference = RegistryReference | LayoutReference;

const digestPattern = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/u;
const tagPattern = /^[\w][\w.-]{0,127}$/u;
const repositoryPattern =
  /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/u;

function invalid(value: string, why: string): ImageError {
  return new ImageError(
    'THAW_IMAGE_INVALID_OPTION',
    `Image reference "${value}" is not valid: ${why}. Write registry/repository[:tag][@sha256:…], for example ghcr.io/acme/checkout:1.`,
    { reference: value },
  );
}

/**
 * Parses an image reference. `oci:<dir>[:<ref>]` and existing directories with an
 * `oci-layout` file are local layouts; everything else is a registry reference.
 *
 * @example
 * ```ts
 * parseImageReference('ghcr.io/acme/checkout:1');
 * // { kind: 'registry', registry: 'ghcr.io', repository: 'acme/checkout', tag: '1', digest: undefined }
 * parseImageReference('oci:./base:node24'); // { kind: 'oci-layout', dir: './base', refName: 'node24' }
 * ```
 */
export function parseImageReference(value: string): ImageReference {
  if (value.startsWith('oci:')) {
    const rest = value.slice('oci:'.length);
    const colon = rest.lastIndexOf(':');
    const slash = rest.lastIndexOf('/');
    if (colon > slash && colon > 0) {
      return { kind: 'oci-layout', dir: rest.slice(0, colon), refName: rest.slice(colon + 1) || undefined };
    }
    return { kind: 'oci-layout', dir: rest, refName: undefined };
  }
  if (existsSync(join(value, 'oci-layout'))) return { kind: 'oci-layout', dir: value, refName: undefined };

  let rest = value;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestPattern.test(digest)) throw invalid(value, `"${digest}" is not a digest`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagPattern.test(tag)) throw invalid(value, `"${tag}" is not a tag`);
  }
  const slash = rest.indexOf('/');
  const first = slash === -1 ? '' : rest.slice(0, slash);
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  const registry = hasRegistry ? first : 'docker.io';
  let repository = hasRegistry ? rest.slice(slash + 1) : rest;
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  if (!repositoryPattern.test(repository)) throw invalid(value, `"${repository}" is not a repository name`);
  return { kind: 'registry', registry, repository, tag, digest };
}

/** The reference written back as a user would type it. */
export function formatReference(ref: ImageReference): string {
  if (ref.kind === 'oci-layout') return `oci:${ref.dir}${ref.refName === undefined ? '' : `:${ref.refName}`}`;
  return `${ref.registry}/${ref.repository}${ref.tag === undefined ? '' : `:${ref.tag}`}${ref.digest === undefined ? '' : `@${ref.digest}`}`;
}

/** The reference pinned to a manifest digest: `registry/repository@sha256:…`. */
export function pinnedReference(ref: RegistryReference, digest: string): string {
  return `${ref.registry}/${ref.repository}@${digest}`;
}

/** The host the Distribution API of a registry answers on. */
export function apiHost(registry: string): string {
  return registry === 'docker.io' || registry === 'index.docker.io' ? 'registry-1.docker.io' : registry;
}

/** True for registries on this machine, which usually speak plain HTTP. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.startsWith('[')
    ? registry.slice(0, registry.indexOf(']') + 1)
    : registry.split(':')[0];
  return host === 'localhost' || host === '[::1]' || (host ?? '').startsWith('127.');
}
