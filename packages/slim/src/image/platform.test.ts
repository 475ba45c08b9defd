import { describe, expect, it } from 'vitest';
import { parsePlatform, platformMatches } from './platform.ts';

describe('platforms', () => {
  it('parses os/architecture[/variant] and rejects anything else naming the option', () => {
    expect(parsePlatform('linux/arm/v7')).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7' });
    expect(() => parsePlatform('amd64')).toThrow(/Option platform is "amd64"; expected os\/architecture/u);
  });

  it('matches arm64 with or without v8, and any variant when none is asked for', () => {
    expect(platformMatches(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64' })).toBe(
      true,
    );
    expect(
      platformMatches(parsePlatform('linux/arm'), { os: 'linux', architecture: 'arm', variant: 'v6' }),
    ).toBe(true);
    expect(
      platformMatches(parsePlatform('linux/arm/v7'), { os: 'linux', architecture: 'arm', variant: 'v6' }),
    ).toBe(false);
    expect(platformMatches(parsePlatform('linux/amd64'), { os: 'windows', architecture: 'amd64' })).toBe(
      false,
    );
  });
});
