import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage } from '../../src/image/build-image.ts';
import { ImageError } from '../../src/image/errors.ts';
import { makeTinyBase, skopeoCopy, writeDeployFolder } from './support/fixtures.ts';
import { startRegistry, type TestRegistry } from './support/registry.ts';
import { requireTools, run } from './support/tools.ts';

const username = 'ci-pusher';
const password = 's3cret-Pa55word';

describe('a registry that requires Basic auth (htpasswd)', () => {
  let dir: string;
  let registry: TestRegistry;
  let base: string;

  beforeAll(async () => {
    requireTools(['docker-registry', 'skopeo', 'umoci', 'htpasswd']);
    dir = mkdtempSync(join(tmpdir(), 'thaw-image-basic-'));
    registry = await startRegistry({ basicAuth: { username, password } });
    await makeTinyBase(join(dir, 'base'));
    base = `${registry.host}/base/tiny:1`;
    await skopeoCopy(`oci:${join(dir, 'base')}:tiny`, `docker://${base}`, [
      '--dest-creds',
      `${username}:${password}`,
    ]);
    writeDeployFolder(join(dir, 'deploy'));
  });

  afterAll(async () => {
    await registry.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a push with THAW_REGISTRY_USERNAME and THAW_REGISTRY_PASSWORD', async () => {
    const tag = `${registry.host}/functions/env:1`;
    const logged: string[] = [];
    const result = await buildImage({
      deployDir: join(dir, 'deploy'),
      base,
      tag,
      env: { THAW_REGISTRY_USERNAME: username, THAW_REGISTRY_PASSWORD: password },
      dockerConfigPath: join(dir, 'no-such-config.json'),
      log: (line) => logged.push(line),
    });
    const inspected = JSON.parse(
      await run('skopeo', [
        'inspect',
        '--tls-verify=false',
        '--creds',
        `${username}:${password}`,
        `docker://${tag}`,
      ]),
    ) as { Digest: string };
    expect(inspected.Digest).toBe(result.manifestDigest);
    expect(JSON.stringify(result)).not.toContain(password);
    const config = await run('skopeo', [
      'inspect',
      '--config',
      '--tls-verify=false',
      '--creds',
      `${username}:${password}`,
      `docker://${tag}`,
    ]);
    expect(config).not.toContain(password);
    expect(config).not.toContain(Buffer.from(`${username}:${password}`).toString('base64'));
    expect(logged.join('\n')).not.toContain(password);
  });

  it("accepts a push with the credentials of Docker's config.json auths", async () => {
    const config = join(dir, 'docker-config.json');
    const auth = Buffer.from(`${username}:${password}`).toString('base64');
    writeFileSync(config, JSON.stringify({ auths: { [`http://${registry.host}`]: { auth } } }));
    const result = await buildImage({
      deployDir: join(dir, 'deploy'),
      base,
      tag: `${registry.host}/functions/docker-config:1`,
      env: {},
      dockerConfigPath: config,
    });
    expect(result.push?.blobs.length).toBe(4);
  });

  it('fails without credentials with a 401 error that names the image and how to log in', async () => {
    const tag = `${registry.host}/functions/anonymous:1`;
    const attempt = buildImage({
      deployDir: join(dir, 'deploy'),
      base,
      tag,
      env: {},
      dockerConfigPath: join(dir, 'no-such-config.json'),
    });
    await expect(attempt).rejects.toBeInstanceOf(ImageError);
    await expect(attempt).rejects.toMatchObject({ code: 'THAW_IMAGE_UNAUTHORIZED' });
    await expect(attempt).rejects.toThrow(
      /base\/tiny:1.*answered 401.*THAW_REGISTRY_USERNAME and THAW_REGISTRY_PASSWORD/su,
    );
  });

  it('fails with wrong credentials with an error that says they were refused, without echoing them', async () => {
    const attempt = buildImage({
      deployDir: join(dir, 'deploy'),
      base,
      tag: `${registry.host}/functions/wrong:1`,
      env: { THAW_REGISTRY_USERNAME: username, THAW_REGISTRY_PASSWORD: 'not-the-password' },
      dockerConfigPath: join(dir, 'no-such-config.json'),
    });
    await expect(attempt).rejects.toThrow(/credentials found for it were refused/u);
    await expect(attempt).rejects.not.toThrow(/not-the-password/u);
  });
});
