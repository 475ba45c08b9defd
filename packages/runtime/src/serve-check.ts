// A function whose entry exports a handler but never calls serve() exits at once with code 0,
// listening on nothing and printing nothing. When the process is about to exit and serve() was
// never called, the entry's exports are looked at (the module is cached, nothing runs again) and,
// if one of them is a handler, stderr says what to do. One listener, armed at import: nothing else
// is paid on the cold path.
import { writeToStderr } from './logger.ts';
import { serveCheckKey } from './process-keys.ts';

interface ServeCheckState {
  served: boolean;
  armed: boolean;
}

function state(): ServeCheckState {
  const holder = globalThis as { [serveCheckKey]?: ServeCheckState | undefined };
  let current = holder[serveCheckKey];
  if (current === undefined) {
    current = { served: false, armed: false };
    holder[serveCheckKey] = current;
  }
  return current;
}

/** Records that serve() ran, so the exit check stays silent. */
export function markServed(): void {
  state().served = true;
}

const handlerExports = ['default', 'handler', 'handle', 'fetch'] as const;

/** The message for an entry that exports `name` and never serves it. */
export function neverServedMessage(name: string): string {
  return (
    `thaw: the entry exports a handler ("${name}") but never called serve(), so nothing listens and the process is exiting. ` +
    `Add serve(${name === 'default' ? 'handler' : name}) to the entry (import { serve } from '@thaw/runtime'); for a knative/func ` +
    `handle(context, body) function use serveFaas() and for the Functions Framework serveFunctionsFramework() ` +
    `from '@thaw/runtime/adapters'.\n`
  );
}

/** Arms the check once per process. */
export function armServeCheck(): void {
  const current = state();
  if (current.armed) return;
  current.armed = true;
  process.once('beforeExit', (code) => {
    const entry = process.argv[1];
    if (current.served || code !== 0 || entry === undefined) return;
    const { pathToFileURL } = process.getBuiltinModule('node:url');
    import(pathToFileURL(entry).href)
      .then((namespace: Record<string, unknown>) => {
        const found = handlerExports.find((name) => isHandlerLike(namespace[name]));
        if (found !== undefined) writeToStderr(neverServedMessage(found));
      })
      .catch(() => undefined);
  });
}

function isHandlerLike(value: unknown): boolean {
  if (typeof value === 'function') return true;
  // `export default { fetch }` (the shape other web runtimes take) and CommonJS `module.exports = { handle }`.
  return (
    typeof value === 'object' &&
    value !== null &&
    handlerExports.some((name) => typeof (value as Record<string, unknown>)[name] === 'function')
  );
}
