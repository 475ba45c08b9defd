import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCredentials } from './registry-credentials.ts';

describe('findCredentials', () => {
  let dir: string;
  let config: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'thaw-creds-'));
    config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: Buffer.from('hub-user:hub:pass').toString('base64') },
          'registry.example.com': { username: 'u', password: 'p' },
        },
      }),
    );
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads Docker config auths, Docker Hub's legacy key included", async () => {
    const sources = { env: {}, envRegistry: undefined, dockerConfigPath: config };
    expect(await findCredentials('docker.io', sources)).toEqual({
      username: 'hub-user',
      password: 'hub:pass',
    });
    expect(await findCredentials('registry.example.com', sources)).toEqual({ username: 'u', password: 'p' });
    expect(await findCredentials('ghcr.io', sources)).toBeUndefined();
  });

  it('hands the THAW_REGISTRY_* variables only to the registry being pushed to', async () => {
    const env = { THAW_REGISTRY_USERNAME: 'ci', THAW_REGISTRY_PASSWORD: 'secret' };
    const sources = { env, envRegistry: 'ghcr.io', dockerConfigPath: config };
    expect(await findCredentials('ghcr.io', sources)).toEqual({ username: 'ci', password: 'secret' });
    expect(await findCredentials('registry.example.com', sources)).toEqual({ username: 'u', password: 'p' });
  });

  it('falls back to DOCKER_CONFIG and is anonymous without any config', async () => {
    expect(
      await findCredentials('registry.example.com', {
        env: { DOCKER_CONFIG: dir },
        envRegistry: undefined,
        dockerConfigPath: undefined,
      }),
    ).toEqual({ username: 'u', password: 'p' });
    expect(
      await findCredentials('registry.example.com', {
        env: { DOCKER_CONFIG: join(dir, 'none') },
        envRegistry: undefined,
        dockerConfigPath: undefined,
      }),
    ).toBeUndefined();
  });
});
