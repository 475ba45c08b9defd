// Pins the Knative Service to the pushed image by digest. Knative resolves tags to digests
// itself at each revision; writing `repo@sha256:…` skips that lookup and makes the manifest
// say exactly which image runs. The YAML document is edited in place, comments and all.
import { readFile, writeFile } from 'node:fs/promises';
import { isMap, isSeq, parseAllDocuments } from 'yaml';
import { ImageError } from './errors.ts';

/**
 * Sets the image of the first container of every Knative Service in `file` to `image`.
 * Resolves with the number of Services changed.
 *
 * @example
 * ```ts
 * await pinKnativeService('deploy/knative/service.yaml', 'ghcr.io/acme/checkout@sha256:…');
 * ```
 */
export async function pinKnativeService(file: string, image: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ImageError(
      'THAW_IMAGE_PIN_FAILED',
      `Cannot read ${file} to pin the image: pass an existing Knative service.yaml with --pin-manifest, or --no-pin.`,
      { cause: error },
    );
  }
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) {
    throw new ImageError(
      'THAW_IMAGE_PIN_FAILED',
      `${file} is empty; pass a Knative service.yaml with --pin-manifest, or --no-pin.`,
    );
  }
  let pinned = 0;
  for (const doc of documents) {
    if (doc.errors.length > 0) {
      throw new ImageError(
        'THAW_IMAGE_PIN_FAILED',
        `${file} is not valid YAML (${doc.errors[0]?.message ?? 'parse error'}); fix it or pass --no-pin.`,
      );
    }
    const apiVersion = doc.get('apiVersion');
    if (
      doc.get('kind') !== 'Service' ||
      typeof apiVersion !== 'string' ||
      !apiVersion.startsWith('serving.knative.dev/')
    )
      continue;
    const containers = doc.getIn(['spec', 'template', 'spec', 'containers']);
    if (!isSeq(containers) || !isMap(containers.items[0])) {
      throw new ImageError(
        'THAW_IMAGE_PIN_FAILED',
        `The Knative Service in ${file} has no spec.template.spec.containers[0]; regenerate it with thaw slim or pass --no-pin.`,
      );
    }
    containers.items[0].set('image', image);
    pinned++;
  }
  if (pinned === 0) {
    throw new ImageError(
      'THAW_IMAGE_PIN_FAILED',
      `${file} holds no Knative Service (apiVersion serving.knative.dev/v1, kind Service); pass the service.yaml thaw slim wrote, or --no-pin.`,
    );
  }
  await writeFile(file, documents.map((doc) => doc.toString()).join(''));
  return pinned;
}
