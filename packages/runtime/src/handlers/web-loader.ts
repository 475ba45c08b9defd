// A web handler's support, the light Request, Response and Headers (src/web/) and the bridge
// onto node:http (web.ts), is a chunk of its own, loaded with import() once per process: by
// serve() with a web handler right after its port is bound, or by the first web request if that
// comes first. Importing the runtime, or serving a Node listener or a CloudEvents function,
// never compiles it.
import type * as WebModule from './web.ts';

/** What the web support chunk offers. */
export type WebSupport = typeof WebModule;

let loaded: WebSupport | undefined;
let loading: Promise<WebSupport> | undefined;

/**
 * The web support once loaded, else undefined: a warm request takes it without an await.
 *
 * @example
 * ```ts
 * const web = loadedWebSupport() ?? (await loadWebSupport());
 * ```
 */
export function loadedWebSupport(): WebSupport | undefined {
  return loaded;
}

/**
 * Loads the web support (once) and installs the light fetch classes before any handler runs, so
 * that a web handler's Request and Response do not load Node's fetch implementation.
 *
 * @example
 * ```ts
 * const { runWebHandler } = await loadWebSupport();
 * ```
 */
export function loadWebSupport(): Promise<WebSupport> {
  loading ??= import('./web.ts').then((web) => {
    web.installLightFetchClasses();
    loaded = web;
    return web;
  });
  return loading;
}
