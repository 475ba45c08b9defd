import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage } from '../../src/image/build-image.ts';
import { makeTinyBase, skopeoCopy, writeDeployFolder } from './support/fixtures.ts';
import { startRegistry, type TestRegistry } from './support/registry.ts';
import { startTokenServer, type TokenServer } from './support/token-server.ts';
import { requireTools, run } from './support/tools.ts';

const credentials = { username: 'robot', password: 'token-pa55' };

describe('a registry that requires Bearer tokens from a token service', () => {
  let dir: string;
  let tokens: TokenServer;
  let registry: TestRegistry;
  let base: string;

  beforeAll(async () => {
    requireTools(['docker-registry', 'skopeo', 'umoci', 'openssl']);
    dir = mkdtempSync(join(tmpdir(), 'thaw-image-bearer-'));
    tokens = await startTokenServer(dir, credentials);
    registry = await startRegistry({ token: tokens });
    await makeTinyBase(join(dir, 'base'));
    base = `${registry.host}/base/tiny:1`;
    await skopeoCopy(`oci:${join(dir, 'base')}:tiny`, `docker://${base}`, [
      '--dest-creds',
      `${credentials.username}:${credentials.password}`,
    ]);
    writeDeployFolder(join(dir, 'deploy'));
  });

  afterAll(async () => {
    await registry.stop();
    await tokens.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('follows the WWW-Authenticate challenge to the token realm and pushes with the token', async () => {
    tokens.requests.length = 0;
    const tag = `${registry.host}/functions/bearer:1`;
    const result = await buildImage({
      deployDir: join(dir, 'deploy'),
      base,
      tag,
      env: { THAW_REGISTRY_USERNAME: credentials.username, THAW_REGISTRY_PASSWORD: credentials.password },
    });
    expect(tokens.requests.length).toBeGreaterThan(0);
    expect(tokens.requests.every((r) => r.authenticated && r.service === 'thaw-test-registry')).toBe(true);
    expect(tokens.requests.flatMap((r) => r.scopes)).toEqual(
      expect.arrayContaining(['repository:functions/bearer:pull,push', 'repository:base/tiny:pull']),
    );
    // The base layer came over by cross-repository mount, which needs pull on the base's repository.
    expect(result.push?.blobs.filter((b) => b.action === 'mounted')).toHaveLength(1);
    const inspected = JSON.parse(
      await run('skopeo', [
        'inspect',
        '--tls-verify=false',
        '--creds',
        `${credentials.username}:${credentials.password}`,
        `docker://${tag}`,
      ]),
    ) as { Digest: string };
    expect(inspected.Digest).toBe(result.manifestDigest);
  });

  it('fails with an unauthorized error naming the image when the anonymous token grants nothing', async () => {
    const attempt = buildImage({
      deployDir: join(dir, 'deploy'),
      base,
      tag: `${registry.host}/functions/anonymous:1`,
      env: {},
      dockerConfigPath: join(dir, 'none.json'),
    });
    await expect(attempt).rejects.toMatchObject({ code: 'THAW_IMAGE_UNAUTHORIZED' });
    await expect(attempt).rejects.toThrow(/base\/tiny:1.*401/su);
  });
});
