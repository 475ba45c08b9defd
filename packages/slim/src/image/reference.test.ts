import { describe, expect, it } from 'vitest';
import { formatReference, isLoopbackRegistry, parseImageReference } from './reference.ts';

describe('parseImageReference', () => {
  it('reads registry, repository, tag and digest as Docker does, with Docker Hub defaults', () => {
    expect(parseImageReference('127.0.0.1:5000/fn/hello:1')).toEqual({
      kind: 'registry',
      registry: '127.0.0.1:5000',
      repository: 'fn/hello',
      tag: '1',
      digest: undefined,
    });
    expect(parseImageReference('node:24')).toEqual({
      kind: 'registry',
      registry: 'docker.io',
      repository: 'library/node',
      tag: '24',
      digest: undefined,
    });
    expect(parseImageReference('gcr.io/distroless/nodejs24-debian12')).toMatchObject({
      registry: 'gcr.io',
      repository: 'distroless/nodejs24-debian12',
      tag: undefined,
    });
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseImageReference(`localhost:5000/app@${digest}`)).toMatchObject({
      registry: 'localhost:5000',
      repository: 'app',
      digest,
    });
    expect(formatReference(parseImageReference('ghcr.io/acme/app:v1'))).toBe('ghcr.io/acme/app:v1');
  });

  it('reads oci:<dir>[:<name>] as a local layout', () => {
    expect(parseImageReference('oci:./layouts/base:node24')).toEqual({
      kind: 'oci-layout',
      dir: './layouts/base',
      refName: 'node24',
    });
    expect(parseImageReference('oci:/abs/base')).toEqual({
      kind: 'oci-layout',
      dir: '/abs/base',
      refName: undefined,
    });
  });

  it('rejects malformed references with the accepted form', () => {
    expect(() => parseImageReference('Registry.example/UPPER:1')).toThrow(
      /is not a repository name.*registry\/repository\[:tag\]/u,
    );
    expect(() => parseImageReference('app@sha256:short')).toThrow(/is not a digest/u);
  });

  it('treats loopback registries as local', () => {
    expect(isLoopbackRegistry('127.0.0.1:5000')).toBe(true);
    expect(isLoopbackRegistry('localhost')).toBe(true);
    expect(isLoopbackRegistry('[::1]:5000')).toBe(true);
    expect(isLoopbackRegistry('ghcr.io')).toBe(false);
  });
});
