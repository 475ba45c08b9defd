import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  defaultBaseImage,
  defaultBuildImageOptions,
  parseUser,
  resolveSourceDateEpoch,
  validateBuildImageOptions,
} from './options.ts';

/** `name → @default text` for every option documented in options.ts. */
function documentedDefaults(): Map<string, string> {
  const source = readFileSync(new URL('./options.ts', import.meta.url), 'utf8');
  const found = new Map<string, string>();
  for (const match of source.matchAll(/@default ([^\n*]+?)\s*\*\/\s*readonly (\w+)\?/gu)) {
    found.set(match[2]!, match[1]!);
  }
  return found;
}

describe('BuildImageOptions', () => {
  it('documents exactly the defaults defaultBuildImageOptions holds', () => {
    const docs = documentedDefaults();
    for (const [name, value] of Object.entries(defaultBuildImageOptions)) {
      const doc = docs.get(name);
      expect(doc, name).toBeDefined();
      expect(JSON.parse(doc!.replaceAll("'", '"')), name).toEqual(value);
    }
    expect(docs.get('base')).toContain(defaultBaseImage(24).replace('24', '<major>'));
  });

  it('resolves SOURCE_DATE_EPOCH from the environment, 0 when unset, and the option first', () => {
    expect(resolveSourceDateEpoch(undefined, {})).toBe(0);
    expect(resolveSourceDateEpoch(undefined, { SOURCE_DATE_EPOCH: '1700000000' })).toBe(1_700_000_000);
    expect(resolveSourceDateEpoch(0, { SOURCE_DATE_EPOCH: '1700000000' })).toBe(0);
    expect(() => resolveSourceDateEpoch(undefined, { SOURCE_DATE_EPOCH: '-5' })).toThrow(
      /SOURCE_DATE_EPOCH is "-5"/u,
    );
  });

  it('rejects invalid values naming the option, the value and what is allowed', () => {
    expect(() => {
      validateBuildImageOptions({ tag: 'r.example/a:1', compressionLevel: 0 });
    }).toThrow('Option compressionLevel is 0; expected an integer from 1 to 9.');
    expect(() => {
      validateBuildImageOptions({});
    }).toThrow(/Option tag is undefined; expected the registry\/repository:tag to push to/u);
    expect(() => {
      validateBuildImageOptions({ output: 'tarball' });
    }).toThrow(/Option tarballFile/u);
    expect(() => {
      validateBuildImageOptions({ output: 'oci-layout', ociLayoutDir: 'x', workDir: 'app' });
    }).toThrow(/Option workDir is "app"/u);
    expect(() => {
      validateBuildImageOptions({
        output: 'oci-layout',
        ociLayoutDir: 'x',
        source: 'https://me:token@git.example/repo',
      });
    }).toThrow(/holds credentials/u);
    expect(parseUser('65532:65532')).toEqual({ uid: 65532, gid: 65532 });
  });
});
