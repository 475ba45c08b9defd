// Node defines `Request`, `Response` and `Headers` on globalThis as lazy properties: the first
// read of any of them (even of its property descriptor) loads Node's whole fetch implementation
// (undici), tens of milliseconds of CPU on a small container. A web handler's first request must
// not pay that, so the runtime declares light classes under the same names as global lexical
// bindings, which every script and module in the process resolves before the global object's own
// properties. `globalThis.Response` stays Node's, untouched and still lazy: this module reads it
// only when a handler touches something the light classes cannot answer themselves.

import { fetchClassesKey } from '../process-keys.ts';

/** Node's own fetch classes. */
export interface FetchClasses {
  readonly Request: typeof Request;
  readonly Response: typeof Response;
  readonly Headers: typeof Headers;
}

/** What every copy of the runtime in the process shares. */
interface FetchClassState {
  loaded: FetchClasses | undefined;
  readonly onLoad: Array<(classes: FetchClasses) => void>;
  installed: boolean;
}

type WithState = typeof globalThis & { [fetchClassesKey]?: FetchClassState };

function state(): FetchClassState {
  const holder = globalThis as WithState;
  const existing = holder[fetchClassesKey];
  if (existing !== undefined) return existing;
  const created: FetchClassState = { loaded: undefined, onLoad: [], installed: false };
  holder[fetchClassesKey] = created;
  return created;
}

const undiciModule = 'NativeModule internal/deps/undici/undici';

/**
 * True once Node's fetch classes are loaded, by the runtime or by anyone else (fetch(), a
 * library reading `globalThis.Response`); nothing can hold one of their instances before.
 */
export function fetchClassesLoaded(): boolean {
  if (state().loaded !== undefined) return true;
  if (!(process as unknown as { moduleLoadList: string[] }).moduleLoadList.includes(undiciModule))
    return false;
  fetchClasses();
  return true;
}

/**
 * Node's own `Request`, `Response` and `Headers`, loaded on the first call.
 *
 * @throws TypeError when this Node has no fetch implementation (`--no-experimental-fetch`).
 */
export function fetchClasses(): FetchClasses {
  const current = state();
  if (current.loaded !== undefined) return current.loaded;
  const { Request, Response, Headers } = globalThis as Partial<FetchClasses>;
  if (typeof Request !== 'function' || typeof Response !== 'function' || typeof Headers !== 'function') {
    throw new TypeError(
      'This Node.js has no fetch implementation (Request, Response, Headers). Run it without --no-experimental-fetch.',
    );
  }
  const loaded = { Request, Response, Headers };
  current.loaded = loaded;
  for (const hook of current.onLoad.splice(0)) hook(loaded);
  return loaded;
}

/** Runs `hook` once Node's classes are loaded (at once if they are). */
export function whenFetchClassesLoad(hook: (classes: FetchClasses) => void): void {
  const current = state();
  if (current.loaded !== undefined) hook(current.loaded);
  else current.onLoad.push(hook);
}

/**
 * Declares `Request`, `Response` and `Headers` as global lexical bindings holding
 * `replacements`, once per process (the first copy of the runtime to call it wins). Returns false
 * when they were declared before or could not be.
 */
export function installGlobals(replacements: Readonly<Record<keyof FetchClasses, unknown>>): boolean {
  const current = state();
  if (current.installed) return false;
  current.installed = true;
  const { runInThisContext } = process.getBuiltinModule('node:vm');
  let assign: (classes: Readonly<Record<keyof FetchClasses, unknown>>) => void;
  try {
    // A classic script's top-level `let` lands in the realm's global declarative record.
    assign = runInThisContext(
      'let Request, Response, Headers; (function (c) { Request = c.Request; Response = c.Response; Headers = c.Headers; })',
      { filename: 'thaw-light-fetch-classes.js' },
    ) as typeof assign;
  } catch {
    // Another script already declared one of these names: leave the process as it is.
    return false;
  }
  assign(replacements);
  return true;
}
