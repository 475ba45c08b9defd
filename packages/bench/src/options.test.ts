import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parseBenchFile } from './config.ts';
import {
  type BenchOptions,
  benchFileOptionKeys,
  benchOptionRows,
  benchOptionTable,
  defaultBenchOptions,
  resolveBenchOptions,
} from './options.ts';

/** `name → @default` of each member of `BenchOptions`, as the TypeScript compiler reads its JSDoc. */
function jsdocDefaults(): Map<string, string> {
  const path = new URL('./options.ts', import.meta.url);
  const source = ts.createSourceFile(path.pathname, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const found = new Map<string, string>();
  const visit = (node: ts.Node): void => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === 'BenchOptions') {
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

/** The option rows of the README's bench-file table, cells trimmed (`version` and `variants[]…` apart). */
function readmeOptionRows(): string[][] {
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Bench file');
  const tableStart = readme.indexOf('\n| field', start);
  const table = readme.slice(tableStart, readme.indexOf('\n\n', tableStart));
  return table
    .split('\n')
    .filter((line) => /^\|\s*`\w+`/.test(line) && !line.startsWith('| `version`'))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
}

describe('the declaration of bench options', () => {
  it("is what the README's bench-file table shows: every option a file may set, its type, default and meaning, in order", () => {
    expect(readmeOptionRows()).toEqual(benchOptionRows());
  });

  it("gives every option of BenchOptions a JSDoc @default, the declaration's own", () => {
    const documented = jsdocDefaults();
    expect([...documented.keys()].sort()).toEqual(Object.keys(benchOptionTable).sort());
    for (const [name, value] of Object.entries(defaultBenchOptions)) {
      const text = documented.get(name) ?? '';
      const parsed: unknown = text.startsWith("'") ? text.slice(1, -1) : Number(text);
      expect({ name, parsed }).toEqual({ name, parsed: value });
    }
  });

  it('resolves to the defaults when nothing is given, and keeps an explicit zero', () => {
    expect(resolveBenchOptions({})).toEqual(defaultBenchOptions);
    const resolved = resolveBenchOptions({ warmupRuns: 0, cooldownMs: 0, seed: 0 });
    expect(resolved).toMatchObject({ warmupRuns: 0, cooldownMs: 0, seed: 0, runs: 30 });
  });

  it('refuses an unknown option given in code with the nearest valid name', () => {
    expect(() => resolveBenchOptions({ rusn: 3 } as BenchOptions)).toThrow(
      /^Invalid rusn: received 3; expected no such key \(allowed here: runs, warmupRuns, .*\); did you mean `runs`\?\.$/,
    );
  });

  it('checks a value given in code exactly as the same value in a bench file', () => {
    const variants = [{ name: 'a', command: ['node', 'a.js'] }];
    const bad: Array<[string, unknown]> = [
      ['runs', 0],
      ['cooldownMs', -1],
      ['order', 'shuffled'],
      ['sloFloor', ''],
      ['pullRuns', 1.5],
    ];
    for (const [name, value] of bad) {
      const fromCode = captured(() => resolveBenchOptions({ [name]: value }));
      const fromFile = captured(() =>
        parseBenchFile({ version: 1, variants, [name]: value }, { baseDir: '/tmp' }),
      );
      expect(fromCode?.message, name).toMatch(new RegExp(`^Invalid ${name}: `));
      expect(fromCode?.message, name).toBe(fromFile?.message);
    }
  });

  it('keeps bootstrapResamples and stderrTailBytes out of bench files', () => {
    expect(benchFileOptionKeys).not.toContain('bootstrapResamples');
    expect(() =>
      parseBenchFile(
        { version: 1, variants: [{ name: 'a', command: ['node'] }], stderrTailBytes: 10 },
        { baseDir: '/tmp' },
      ),
    ).toThrow(/Invalid stderrTailBytes: .*no such key/);
  });
});

function captured(run: () => unknown): Error | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error as Error;
  }
}
