import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  defaultBaseImage,
  defaultBuildImageOptions,
  parseUser,
  resolveSourceDateEpoch,
  validateBuildImageOptions,
} from './options.ts';

/** `name → @default` of each member of `BuildImageOptions`, as the TypeScript compiler reads its JSDoc. */
function jsdocDefaults(): Map<string, string> {
  const path = new URL('./options.ts', import.meta.url);
  const source = ts.createSourceFile(path.pathname, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const found = new Map<string, string>();
  const visit = (node: ts.Node): void => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === 'BuildImageOptions') {
      for (const member of node.members) {
        const tag = ts.getJSDocTags(member).find((t) => t.tagName.text === 'default');
        if (member.name !== undefined && ts.isIdentifier(member.name) && tag !== undefined) {
          found.set(member.name.text, ts.getTextOfJSDocComment(tag.comment)?.trim() ?? '');
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('BuildImageOptions', () => {
  it('documents exactly the defaults defaultBuildImageOptions holds', () => {
    const docs = jsdocDefaults();
    for (const [name, value] of Object.entries(defaultBuildImageOptions)) {
      const doc = docs.get(name);
      expect(doc, name).toBeDefined();
      expect(JSON.parse(doc!.replaceAll("'", '"')), name).toEqual(value);
    }
    expect(docs.get('base')).toContain(defaultBaseImage(24).replace('24', '<major>'));
  });

  it('accepts every default, and refuses a value just past each bounded one', () => {
    const valid = { output: 'oci-layout', ociLayoutDir: 'x' } as const;
    expect(() => {
      validateBuildImageOptions({ ...defaultBuildImageOptions, ...valid });
    }).not.toThrow();
    const bounds: Array<[keyof typeof defaultBuildImageOptions, number]> = [
      ['uploadChunkBytes', 1023],
      ['uploadConcurrency', 65],
      ['compressionLevel', 10],
      ['requestTimeoutMs', 0],
    ];
    for (const [name, value] of bounds) {
      expect(() => {
        validateBuildImageOptions({ ...valid, [name]: value });
      }, name).toThrow(new RegExp(`^Option ${name} is ${value}; expected an integer from`, 'u'));
    }
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
