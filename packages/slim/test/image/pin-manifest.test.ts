import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage } from '../../src/image/build-image.ts';
import { makeTinyBase, skopeoCopy, writeDeployFolder } from './support/fixtures.ts';
import { startRegistry, type TestRegistry } from './support/registry.ts';
import { requireTools } from './support/tools.ts';

const serviceYaml = `# Written by thaw slim
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: hello # the function
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/min-scale: "1"
    spec:
      containers:
        - image: registry.example.com/hello:latest # replaced by thaw image
          readinessProbe:
            httpGet:
              path: /readyz
`;

describe('pinning the Knative service to the pushed digest', () => {
  let dir: string;
  let registry: TestRegistry;

  beforeAll(async () => {
    requireTools(['docker-registry', 'skopeo', 'umoci']);
    dir = mkdtempSync(join(tmpdir(), 'thaw-image-pin-'));
    registry = await startRegistry();
    await makeTinyBase(join(dir, 'base'));
    await skopeoCopy(`oci:${join(dir, 'base')}:tiny`, `docker://${registry.host}/base/tiny:1`);
  });

  afterAll(async () => {
    await registry.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rewrites the image of <deploy-dir>/knative/service.yaml to repo@sha256 and keeps the rest as written', async () => {
    const deployDir = join(dir, 'deploy');
    writeDeployFolder(deployDir, { serviceYaml });
    const result = await buildImage({
      deployDir,
      base: `${registry.host}/base/tiny:1`,
      tag: `${registry.host}/functions/hello:1`,
    });
    const file = join(deployDir, 'knative', 'service.yaml');
    expect(result.pinnedManifest).toBe(file);
    const pinned = `${registry.host}/functions/hello@${result.manifestDigest}`;
    expect(readFileSync(file, 'utf8')).toBe(serviceYaml.replace('registry.example.com/hello:latest', pinned));
  });

  it('leaves the service alone when pinning is turned off', async () => {
    const deployDir = join(dir, 'unpinned');
    writeDeployFolder(deployDir, { serviceYaml });
    const result = await buildImage({
      deployDir,
      base: `${registry.host}/base/tiny:1`,
      tag: `${registry.host}/functions/hello:2`,
      pinManifest: false,
    });
    expect(result.pinnedManifest).toBeUndefined();
    expect(readFileSync(join(deployDir, 'knative', 'service.yaml'), 'utf8')).toBe(serviceYaml);
  });
});
