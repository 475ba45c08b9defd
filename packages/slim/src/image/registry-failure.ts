// Turns a registry's error answer into an ImageError that names the image and the fix, using
// the Distribution API's error body (`{"errors":[{"code":"MANIFEST_UNKNOWN",…}]}`) when given.
import { ImageError } from './errors.ts';

/**
 * The error for an unexpected registry answer to "could not `action` `about`".
 *
 * @example
 * ```ts
 * if (res.status !== 201) throw await registryFailure(res, 'ghcr.io', true, 'ghcr.io/acme/app:1', 'store the manifest of');
 * ```
 */
export async function registryFailure(
  res: Response,
  registry: string,
  hasCredentials: boolean,
  about: string,
  action: string,
): Promise<ImageError> {
  let detail = '';
  try {
    const body = (await res.json()) as { errors?: { code?: string; message?: string }[] };
    const first = body.errors?.[0];
    if (first !== undefined) detail = `: ${first.code ?? ''} ${first.message ?? ''}`.trimEnd();
  } catch {
    // Not every error has a JSON body (HEAD never does).
  }
  const what = `Could not ${action} ${about}: registry ${registry} answered ${res.status}${detail}.`;
  if (res.status === 401 || res.status === 403) {
    const how = hasCredentials
      ? 'The credentials found for it were refused or lack access: check the username, password or token and its permissions for this repository.'
      : 'No credentials were found for it: set THAW_REGISTRY_USERNAME and THAW_REGISTRY_PASSWORD, or log in with docker login (Docker config "auths").';
    return new ImageError('THAW_IMAGE_UNAUTHORIZED', `${what} ${how}`, { reference: about });
  }
  if (res.status === 404) {
    return new ImageError(
      'THAW_IMAGE_NOT_FOUND',
      `${what} Check the repository name and tag (for a base image, pass an existing one with --base).`,
      { reference: about },
    );
  }
  return new ImageError(
    'THAW_IMAGE_REGISTRY_ERROR',
    `${what} Retry; if it persists, check the registry's logs.`,
    { reference: about },
  );
}
