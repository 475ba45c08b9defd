import { join } from 'node:path';
import { expect, it } from 'vitest';
import { committedManifests, freshManifests } from '../../../test/support/example-manifests.ts';

const exampleDir = join(import.meta.dirname, '..');

it('the committed Knative manifests are the ones `thaw slim` generates from the package config', () => {
  expect(committedManifests(exampleDir)).toEqual(freshManifests(exampleDir));
}, 120_000);
