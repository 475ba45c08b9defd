import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import imageExecutor from './executor.ts';
import { defaultBuildImageOptions, imageOptionTable } from '../../image/options.ts';

const schema = JSON.parse(readFileSync(new URL('./schema.json', import.meta.url), 'utf8')) as {
  properties: Record<string, { default?: unknown }>;
};

describe('the image executor', () => {
  it('has a schema whose defaults are the library defaults', () => {
    for (const [name, value] of Object.entries(defaultBuildImageOptions)) {
      expect(schema.properties[name]?.default, name).toEqual(value);
    }
  });

  it('takes every option of buildImage() but the ones only code can give', () => {
    const codeOnly = ['env', 'fetch', 'now', 'log'];
    expect(Object.keys(schema.properties).sort()).toEqual(
      Object.keys(imageOptionTable)
        .filter((name) => !codeOnly.includes(name))
        .sort(),
    );
  });

  it('reports failure (not a throw) for an invalid option, resolving paths against the workspace root', async () => {
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args.join(' '));
    try {
      const result = await imageExecutor(
        { output: 'oci-layout', ociLayoutDir: 'out', user: 'root' },
        { root: '/workspace' },
      );
      expect(result).toEqual({ success: false });
      expect(String(errors[0])).toContain('Option user is "root"');
      expect(await imageExecutor({ tags: 'x' } as never, { root: '/workspace' })).toEqual({ success: false });
      expect(String(errors[1])).toMatch(
        /Option tags is not an option of the image executor; allowed: deployDir, base, tag/u,
      );
    } finally {
      console.error = original;
    }
  });
});
