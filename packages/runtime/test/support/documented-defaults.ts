// The `@default` JSDoc tags of an exported options type, as the TypeScript compiler reads them
// (what an editor shows for each property, inherited ones included), so tests can hold what is
// documented to the defaults objects the code applies.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const tsconfig = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'tsconfig.json');
// The last program built: the next one reuses the files they share (the Node and pg typings).
let previous: ts.Program | undefined;

/** One documented property: its `@default` text, and whether it is optional. */
export interface DocumentedProperty {
  readonly default: string | undefined;
  readonly optional: boolean;
}

/**
 * Every property of the type `typeName` exported by `file` (a URL or path), with the text of its
 * `@default` tag.
 *
 * @example
 * ```ts
 * documentedDefaults(new URL('./pool-options.ts', import.meta.url), 'PoolOptions').get('warm'); // { default: 'true', optional: true }
 * ```
 */
export function documentedDefaults(file: URL | string, typeName: string): Map<string, DocumentedProperty> {
  const path = typeof file === 'string' ? file : fileURLToPath(file);
  const parsed = ts.getParsedCommandLineOfConfigFile(
    tsconfig,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (parsed === undefined) throw new Error(`${tsconfig} could not be read.`);
  const program = ts.createProgram([path], { ...parsed.options, noEmit: true }, undefined, previous);
  previous = program;
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(path);
  const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) throw new Error(`${path} is not a module the compiler can read.`);
  const exported = checker.getExportsOfModule(moduleSymbol).find((symbol) => symbol.name === typeName);
  if (exported === undefined) throw new Error(`${path} exports no ${typeName}.`);
  const found = new Map<string, DocumentedProperty>();
  for (const property of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(exported))) {
    const tag = property.getJsDocTags(checker).find((candidate) => candidate.name === 'default');
    found.set(property.name, {
      default: tag === undefined ? undefined : ts.displayPartsToString(tag.text).trim(),
      optional: (property.flags & ts.SymbolFlags.Optional) !== 0,
    });
  }
  return found;
}
