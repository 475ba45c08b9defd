// Finds the function a Functions Framework target names: one registered with
// `functions.http(name, fn)` / `functions.cloudEvent(name, fn)` (read from the framework's own
// registry, where the function's module put it), else an export of the module (`a.b` walks
// into objects), as the framework's loader does.
import { ThawError } from '../../index.ts';

/** The two signatures thaw serves; the framework's legacy `event` one is not among them. */
export type SignatureType = 'http' | 'cloudevent';

/** A function found for a target. */
export interface FoundTarget {
  readonly fn: (...args: never[]) => unknown;
  readonly signatureType: SignatureType;
  readonly registered: boolean;
}

interface FrameworkRegistry {
  readonly getRegisteredFunction: (
    name: string,
  ) => { signatureType: string; userFunction: unknown } | undefined;
}

const frameworkPackage = '@google-cloud/functions-framework';

/** The framework's registry as loaded by the function's own code, if the framework is installed. */
export function frameworkRegistry(from: string): FrameworkRegistry | undefined {
  const moduleApi = process.getBuiltinModule('node:module');
  const pathApi = process.getBuiltinModule('node:path');
  const require = moduleApi.createRequire(from);
  let main: string;
  try {
    main = require.resolve(frameworkPackage);
  } catch {
    return undefined;
  }
  // The registry module is not in the package's exports map; the same file the function's own
  // `require('@google-cloud/functions-framework')` loaded holds the registrations.
  try {
    return require(pathApi.join(pathApi.dirname(main), 'function_registry.js')) as FrameworkRegistry;
  } catch {
    return undefined;
  }
}

/** Looks the target up in the registry, then in the module's exports. */
export function findTarget(fields: {
  readonly target: string;
  readonly module: unknown;
  readonly signatureType: SignatureType | undefined;
  readonly from: string;
}): FoundTarget {
  const { target } = fields;
  const registered = frameworkRegistry(fields.from)?.getRegisteredFunction(target);
  if (registered !== undefined) {
    const type = registered.signatureType;
    if (type !== 'http' && type !== 'cloudevent') throw unsupported(target, type);
    return { fn: registered.userFunction as FoundTarget['fn'], signatureType: type, registered: true };
  }
  let value: unknown = fields.module;
  for (const part of target.split('.')) {
    value =
      typeof value === 'object' || typeof value === 'function'
        ? (value as Record<string, unknown> | null)?.[part]
        : undefined;
  }
  // A CommonJS module imported from ES code: its exports are under `default`.
  if (
    value === undefined &&
    typeof fields.module === 'object' &&
    fields.module !== null &&
    'default' in fields.module
  ) {
    return findTarget({ ...fields, module: fields.module.default });
  }
  if (typeof value !== 'function') {
    const exported = exportedFunctions(fields.module);
    throw new ThawError(
      'THAW_HANDLER_INVALID',
      `The function target "${target}" is neither registered with functions.http()/functions.cloudEvent() nor exported by the module${exported.length > 0 ? ` (its exported functions: ${exported.join(', ')})` : ''}. Set the target (--target or FUNCTION_TARGET) to one of them.`,
    );
  }
  const signatureType = fields.signatureType ?? 'http';
  return { fn: value as FoundTarget['fn'], signatureType, registered: false };
}

function unsupported(target: string, type: string): ThawError {
  return new ThawError(
    'THAW_HANDLER_INVALID',
    `The function "${target}" has the Functions Framework signature "${type}", which thaw does not serve. Rewrite it as functions.cloudEvent() (an event function) or functions.http().`,
  );
}

function exportedFunctions(module: unknown): string[] {
  if (typeof module !== 'object' || module === null) return [];
  const names = Object.keys(module).filter(
    (name) => typeof (module as Record<string, unknown>)[name] === 'function',
  );
  const inner = (module as { default?: unknown }).default;
  return names.length > 0 || typeof inner !== 'object' ? names : exportedFunctions(inner);
}
