import { describe, expect, it } from 'vitest';
import { parseChallenge } from './auth-challenge.ts';

describe('parseChallenge', () => {
  it('reads a Bearer challenge with quoted parameters, commas inside quotes included', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"',
      ),
    ).toEqual({
      scheme: 'bearer',
      params: {
        realm: 'https://auth.example/token',
        service: 'registry.example',
        scope: 'repository:a/b:pull,push',
      },
    });
  });

  it('reads a Basic challenge and nothing from a missing header', () => {
    expect(parseChallenge('Basic realm="thaw-test"')).toEqual({
      scheme: 'basic',
      params: { realm: 'thaw-test' },
    });
    expect(parseChallenge(null)).toBeUndefined();
  });
});
