import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsdocDefaults, optionTableRows } from '../../test/support/documented-options.ts';
import { SlimError } from '../errors.ts';
import { showValue } from '../option-table.ts';
import { ImageError } from './errors.ts';
import {
  type BuildImageOptions,
  defaultBaseImage,
  defaultBuildImageOptions,
  imageOptionRows,
  imageOptionTable,
  parseUser,
  resolveBuildImageOptions,
  resolveSourceDateEpoch,
  validateBuildImageOptions,
} from './options.ts';

const documented = (): Map<string, string> =>
  jsdocDefaults(new URL('./options.ts', import.meta.url), 'BuildImageOptions');

/** The rows of docs/image.md's table of buildImage() options, cells trimmed. */
function documentOptionRows(): string[][] {
  const file = join(import.meta.dirname, '..', '..', 'docs', 'image.md');
  return optionTableRows(file, '\n## Options of `buildImage()`', '\n## ');
}

describe('the declaration of buildImage() options', () => {
  it('is what the table of docs/image.md shows: every option, its default and its meaning, in order', () => {
    expect(documentOptionRows()).toEqual(imageOptionRows());
  });

  it("gives every option of BuildImageOptions a JSDoc @default, the declaration's own for plain values", () => {
    const docs = documented();
    expect([...docs.keys()].sort()).toEqual(Object.keys(imageOptionTable).sort());
    for (const [name, value] of Object.entries(defaultBuildImageOptions)) {
      expect({ name, documented: docs.get(name) }).toEqual({ name, documented: showValue(value) });
    }
  });

  it('resolves to the declared defaults when nothing else is given', () => {
    const resolved = resolveBuildImageOptions({ output: 'oci-layout', ociLayoutDir: 'x' });
    expect(resolved).toMatchObject({ ...defaultBuildImageOptions, output: 'oci-layout', ociLayoutDir: 'x' });
    expect(resolved.env).toBe(process.env);
    expect(resolved.fetch).toBe(globalThis.fetch);
    expect(resolved.tag).toBeUndefined();
  });

  it('refuses an unknown option name with the valid ones and the nearest', () => {
    let refused: unknown;
    try {
      validateBuildImageOptions({ tga: 'r.example/a:1' } as BuildImageOptions);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ImageError);
    expect(refused).toBeInstanceOf(SlimError);
    expect(refused).toMatchObject({ code: 'THAW_IMAGE_INVALID_OPTION' });
    expect((refused as Error).message).toMatch(
      /^Option tga is "r\.example\/a:1"; expected a known option; valid ones are: deployDir, base, tag, .*, log\. Did you mean `tag`\?$/u,
    );
    expect(() => {
      validateBuildImageOptions({ tag: 'r.example/a:1', uploadConcurency: 8 } as BuildImageOptions);
    }).toThrow(/Did you mean `uploadConcurrency`\?$/u);
  });

  it('checks each value with its declared validator, as JavaScript callers and JSON config can pass anything', () => {
    const valid = { output: 'oci-layout', ociLayoutDir: 'x' } as const;
    const bad: Array<[string, unknown, string]> = [
      ['output', 'docker', 'expected "push" or "oci-layout" or "tarball".'],
      ['platform', 'amd64', 'expected os/architecture[/variant]'],
      ['entrypoint', ['node', 1], 'expected a non-empty command array.'],
      ['insecureRegistries', 'localhost:5000', 'expected an array of strings.'],
      ['pinManifest', true, 'expected a file, or false.'],
      ['fetch', 'https://registry.example', 'expected a fetch function.'],
      ['sourceDateEpochSec', -1, 'expected an integer from 0 to'],
    ];
    for (const [name, value, expected] of bad) {
      expect(() => {
        validateBuildImageOptions({ ...valid, [name]: value });
      }, name).toThrow(`Option ${name} is `);
      expect(() => {
        validateBuildImageOptions({ ...valid, [name]: value });
      }, name).toThrow(expected);
    }
  });
});

describe('BuildImageOptions', () => {
  it('documents exactly the defaults defaultBuildImageOptions holds', () => {
    const docs = documented();
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
