import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinKnativeService } from './pin-manifest.ts';

const image = `registry.example.com/hello@sha256:${'b'.repeat(64)}`;

describe('pinKnativeService', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'thaw-pin-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('pins the Service in a multi-document file and leaves the other documents as written', async () => {
    const file = join(dir, 'multi.yaml');
    const trigger =
      '---\n# the trigger\napiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata:\n  name: t\n';
    const service =
      'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  template:\n    spec:\n      containers:\n        - image: old:1\n';
    writeFileSync(file, `${service}${trigger}`);
    expect(await pinKnativeService(file, image)).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe(`${service.replace('old:1', image)}${trigger}`);
  });

  it('refuses a file without a Knative Service, saying what to pass', async () => {
    const file = join(dir, 'none.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\n');
    await expect(pinKnativeService(file, image)).rejects.toThrow(/holds no Knative Service.*--no-pin/u);
    await expect(pinKnativeService(join(dir, 'missing.yaml'), image)).rejects.toThrow(
      /Cannot read .*missing\.yaml/u,
    );
  });
});
