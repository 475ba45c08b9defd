// What users read about an options table: the `@default` of each member of the options
// interface (as an editor shows it, read by the TypeScript compiler) and the rows of a README
// table. The options tests hold both against the declaration.
import { readFileSync } from 'node:fs';
import ts from 'typescript';

/** `name → @default` of each member of an interface, as the TypeScript compiler reads its JSDoc. */
export function jsdocDefaults(file: URL, interfaceName: string): Map<string, string> {
  const source = ts.createSourceFile(file.pathname, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found = new Map<string, string>();
  const visit = (node: ts.Node): void => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === interfaceName) {
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

/**
 * The rows of the table that follows `heading` in a Markdown file, up to `end`, whose first cell
 * is a code span (`` `name` ``), cells trimmed.
 */
export function optionTableRows(file: string, heading: string, end: string): string[][] {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(heading);
  if (start < 0) throw new Error(`${file} has no ${heading.trim()} section.`);
  const section = text.slice(start, text.indexOf(end, start + 1));
  return section
    .split('\n')
    .filter((line) => /^\|\s*`\w+`/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
}
