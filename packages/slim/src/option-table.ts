// How @thaw/slim declares an options table: each option once, with its default, its validator and
// the line the README's table shows. slim()'s options (`slimOptionTable`) and thaw image's
// (`imageOptionTable`) are both written this way; their defaults, resolved types, checks of
// given options and README rows all come from the helpers below.
import { checkKnownKeys, type Validator } from './validators.ts';

/** One option: its default, how it is checked, what the README says of it. */
export interface OptionDeclaration<T> {
  /** The default value, when it is a plain value (listed in the table's defaults object). */
  readonly default?: T;
  /** Builds the default when it is not a plain value (`projectDir`, `env`). */
  readonly make?: () => T;
  /** The default as the README shows it, when it is not the plain value. */
  readonly shownDefault?: string;
  /** False for the options only code may give (a config file cannot set them). */
  readonly inConfig?: false;
  readonly validate: Validator<T>;
  /** The README's "what" column. */
  readonly doc: string;
}

/** Declares one option; the type parameter is the option's value type. */
export const option = <T>(declaration: OptionDeclaration<T>): OptionDeclaration<T> => declaration;

/** What a table declaring every option of `Options` must hold: one declaration per option. */
export type TableOf<Options> = { readonly [K in keyof Required<Options>]: OptionDeclaration<Options[K]> };

/** A table of declarations, seen without the value types. */
export type Declarations = Readonly<Record<string, OptionDeclaration<unknown>>>;

/** The value type a declaration's validator returns. */
export type ValueOf<D> = D extends { readonly validate: Validator<infer T> } ? T : never;

/** Every option of a table with its value type: what resolving the options gives. */
export type ResolvedOptions<Table> = { readonly [K in keyof Table]: ValueOf<Table[K]> };

/** The defaults that are plain values (neither built by `make` nor undefined), frozen. */
export function plainDefaults(table: Declarations): Readonly<Record<string, unknown>> {
  return Object.freeze(
    Object.fromEntries(
      Object.entries(table)
        .filter(([, declaration]) => 'default' in declaration && declaration.default !== undefined)
        .map(([name, declaration]) => [name, declaration.default]),
    ),
  );
}

/** The README's options table rows, `[option, default, what]`, as the declaration says them. */
export function optionRows(table: Declarations): Array<[string, string, string]> {
  return Object.entries(table).map(([name, declaration]) => [
    `\`${name}\``,
    declaration.shownDefault ?? `\`${showValue(declaration.default)}\``,
    declaration.doc,
  ]);
}

/**
 * The default as JSDoc and the README write it: strings quoted with `'`, empty arrays and
 * objects as `[]` and `{}`.
 *
 * @example
 * ```ts
 * showValue('deploy'); // "'deploy'"
 * ```
 */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value) || (typeof value === 'object' && value !== null)) return JSON.stringify(value);
  return String(value);
}

/**
 * Checks given options against a table: a name outside `names` is refused with the valid ones and
 * the nearest, each value with its option's validator; undefined values are left out.
 */
export function checkDeclared(
  table: Declarations,
  given: unknown,
  names: readonly string[],
): Record<string, unknown> {
  checkKnownKeys(given, names, '');
  const checked: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(given as Record<string, unknown>)) {
    if (value !== undefined) checked[name] = table[name]?.validate(name, value);
  }
  return checked;
}

/**
 * Every option of a table: the value `given` has for it, else its default (built by `make` when
 * it has one).
 */
export function resolveDeclared(
  table: Declarations,
  given: (name: string) => unknown,
): Record<string, unknown> {
  const resolved: Record<string, unknown> = {};
  for (const [name, declaration] of Object.entries(table)) {
    const value = given(name);
    resolved[name] = value !== undefined ? value : (declaration.make?.() ?? declaration.default);
  }
  return resolved;
}
