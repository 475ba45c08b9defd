// Parts of a package that a function rarely uses but the package loads whenever it is required:
// ioredis's Cluster and Sentinel code loads at `require('ioredis')` even when only a standalone
// client is made. A deferral rewrites the exact lines of the package's files that load such a part
// so it loads on first use instead. Every edit names the text it replaces, which must occur once,
// and every identifier it touches, whose uses in the file must be exactly the ones the edits
// cover; if any file of the package differs, no file of it is changed and the build says so.
import { readFileSync } from 'node:fs';
import { join, sep } from 'node:path';

/** One textual replacement in a package file. */
interface Edit {
  /** The text replaced; it must occur exactly once in the file. */
  readonly find: string;
  readonly replace: string;
}

/** The edits of one file and the identifiers whose every use they cover. */
interface FileDeferral {
  readonly edits: readonly Edit[];
  /** Identifier → how many times the file uses it (declaration included); the edits remove them all. */
  readonly uses: Readonly<Record<string, number>>;
}

/** What can be deferred in one package, and what its dynamically imported namespace must not read. */
export interface PackageDeferral {
  /** The version the edits were written against (other versions are edited only if every shape matches). */
  readonly version: string;
  /** What loads on first use instead, for the build's notice. */
  readonly parts: string;
  /** Files relative to the package folder. */
  readonly files: Readonly<Record<string, FileDeferral>>;
}

// A getter that loads the part on first use, in the form the file already uses for its exports.
const lazyExport = (name: string, from: string, member: string): string =>
  `Object.defineProperty(exports, "${name}", { enumerable: true, get: function () { return require("${from}").${member}; } });\n`;

/** The packages slim knows how to defer parts of. */
export const packageDeferrals: Readonly<Record<string, PackageDeferral>> = {
  ioredis: {
    version: '6.0.0',
    parts: 'Cluster and Sentinel',
    files: {
      'built/Redis.js': {
        edits: [
          { find: 'const cluster_1 = require("./cluster");\n', replace: '' },
          {
            find: 'Redis.Cluster = cluster_1.default;\n',
            // An accessor in place of the static: read, it loads the cluster code; assigned, it
            // becomes the plain property the assignment would have made.
            replace:
              'Object.defineProperty(Redis, "Cluster", { configurable: true, enumerable: true, ' +
              'get() { return require("./cluster").default; }, ' +
              'set(value) { Object.defineProperty(this, "Cluster", { configurable: true, enumerable: true, writable: true, value }); } });\n',
          },
          { find: 'const SentinelConnector_1 = require("./connectors/SentinelConnector");\n', replace: '' },
          {
            find: 'new SentinelConnector_1.default(this.options)',
            replace: 'new (require("./connectors/SentinelConnector").default)(this.options)',
          },
        ],
        uses: { cluster_1: 2, SentinelConnector_1: 2 },
      },
      'built/connectors/index.js': {
        edits: [
          {
            find:
              'const SentinelConnector_1 = require("./SentinelConnector");\n' +
              'exports.SentinelConnector = SentinelConnector_1.default;\n',
            replace: lazyExport('SentinelConnector', './SentinelConnector', 'default').replace(
              'enumerable: true,',
              'enumerable: true, configurable: true,',
            ),
          },
        ],
        uses: { SentinelConnector_1: 2 },
      },
      'built/index.js': {
        edits: [
          {
            find:
              'var cluster_1 = require("./cluster");\n' +
              'Object.defineProperty(exports, "Cluster", { enumerable: true, get: function () { return cluster_1.default; } });\n',
            replace: lazyExport('Cluster', './cluster', 'default'),
          },
          {
            find:
              'var SentinelConnector_1 = require("./connectors/SentinelConnector");\n' +
              'Object.defineProperty(exports, "SentinelConnector", { enumerable: true, get: function () { return SentinelConnector_1.default; } });\n' +
              'Object.defineProperty(exports, "SentinelIterator", { enumerable: true, get: function () { return SentinelConnector_1.SentinelIterator; } });\n',
            replace:
              lazyExport('SentinelConnector', './connectors/SentinelConnector', 'default') +
              lazyExport('SentinelIterator', './connectors/SentinelConnector', 'SentinelIterator'),
          },
        ],
        uses: { cluster_1: 2, SentinelConnector_1: 3 },
      },
    },
  },
};

/** The names `deferParts` accepts. */
export const deferrablePackages: readonly string[] = Object.keys(packageDeferrals);

/** A package folder's deferral: the edited files, or why none was made. */
export type DeferralOutcome =
  | {
      readonly applied: true;
      readonly name: string;
      readonly version: string;
      /** What loads on first use instead (the deferral's `parts`). */
      readonly parts: string;
      readonly files: ReadonlyMap<string, string>;
    }
  | { readonly applied: false; readonly name: string; readonly reason: string };

function countUses(source: string, identifier: string): number {
  return (
    source.match(new RegExp(`(?<![\\w$])${identifier.replace(/\$/g, '\\$')}(?![\\w$])`, 'g'))?.length ?? 0
  );
}

function occurrences(source: string, text: string): number {
  let count = 0;
  for (let at = source.indexOf(text); at !== -1; at = source.indexOf(text, at + 1)) count += 1;
  return count;
}

/**
 * Applies a package's deferral to its files as given (path relative to the package → source).
 * Every edit must match once and leave none of the identifiers it covers behind; the first that
 * does not names the file and the shape that differs, and nothing is edited.
 *
 * @example
 * ```ts
 * deferInSources('ioredis', packageDeferrals.ioredis, '6.0.0', (file) => readFileSync(join(dir, file), 'utf8'));
 * ```
 */
export function deferInSources(
  name: string,
  deferral: PackageDeferral,
  version: string,
  read: (file: string) => string,
): DeferralOutcome {
  const files = new Map<string, string>();
  for (const [file, { edits, uses }] of Object.entries(deferral.files)) {
    let source: string;
    try {
      source = read(file);
    } catch {
      return { applied: false, name, reason: `${name} ${version} has no ${file}` };
    }
    const differs = (what: string): DeferralOutcome => ({
      applied: false,
      name,
      reason: `${name} ${version}'s ${file} is not shaped as in ${deferral.version} (${what})`,
    });
    for (const [identifier, count] of Object.entries(uses)) {
      const found = countUses(source, identifier);
      if (found !== count) return differs(`${identifier} used ${found} times, not ${count}`);
    }
    for (const edit of edits) {
      const found = occurrences(source, edit.find);
      if (found !== 1) return differs(`${JSON.stringify(edit.find.split('\n')[0])} found ${found} times`);
      source = source.replace(edit.find, () => edit.replace);
    }
    for (const identifier of Object.keys(uses)) {
      if (countUses(source, identifier) !== 0) return differs(`${identifier} still used after the edits`);
    }
    files.set(file, source);
  }
  return { applied: true, name, version, parts: deferral.parts, files };
}

/**
 * Deferrals of the packages asked for, found by the folder each file is in: the first file of a
 * package folder that esbuild loads decides, once, for every file of that folder.
 */
export class PartDeferrals {
  readonly #wanted: ReadonlySet<string>;
  readonly #byFolder = new Map<string, DeferralOutcome>();

  constructor(wanted: Iterable<string>) {
    this.#wanted = new Set(wanted);
  }

  /** The packages asked for. */
  get names(): readonly string[] {
    return [...this.#wanted];
  }

  /** Outcome of every package folder looked at, in the order they were met. */
  get outcomes(): readonly DeferralOutcome[] {
    return [...this.#byFolder.values()];
  }

  /** The edited source of a file, or undefined when it is not one a deferral edits. */
  sourceOf(file: string): string | undefined {
    const found = this.#folderOf(file);
    if (found === undefined) return undefined;
    const outcome = this.outcomeOf(found.folder, found.name);
    if (!outcome.applied) return undefined;
    return outcome.files.get(
      file
        .slice(found.folder.length + 1)
        .split(sep)
        .join('/'),
    );
  }

  /** Whether the package the file belongs to had its parts deferred. */
  deferredFor(file: string): boolean {
    const found = this.#folderOf(file);
    return found !== undefined && this.outcomeOf(found.folder, found.name).applied;
  }

  /** The outcome for one package folder, computed once. */
  outcomeOf(folder: string, name: string): DeferralOutcome {
    let outcome = this.#byFolder.get(folder);
    if (outcome === undefined) {
      outcome = deferInFolder(folder, name);
      this.#byFolder.set(folder, outcome);
    }
    return outcome;
  }

  #folderOf(file: string): { folder: string; name: string } | undefined {
    for (const name of this.#wanted) {
      const marker = `${sep}node_modules${sep}${name.split('/').join(sep)}${sep}`;
      const at = file.lastIndexOf(marker);
      if (at !== -1) return { folder: file.slice(0, at + marker.length - 1), name };
    }
    return undefined;
  }
}

function deferInFolder(folder: string, name: string): DeferralOutcome {
  const deferral = packageDeferrals[name];
  if (deferral === undefined) return { applied: false, name, reason: `slim cannot defer parts of ${name}` };
  let version = 'unknown';
  try {
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { version?: unknown };
    if (typeof manifest.version === 'string') version = manifest.version;
  } catch {
    return { applied: false, name, reason: `${name} has no readable package.json in ${folder}` };
  }
  return deferInSources(name, deferral, version, (file) => readFileSync(join(folder, file), 'utf8'));
}
