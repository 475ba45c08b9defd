// The function of sdk-load-block.mjs: thaw's hello, with the runtime taken from
// THAW_RUNTIME_ENTRY (a build's dist/index.js, as a file URL) so that two builds can be compared
// with the same function; `@thaw/runtime` without it.
const entry = process.env['THAW_RUNTIME_ENTRY'] ?? '@thaw/runtime';
const { serve } = await import(entry);

serve(() => new Response('hello'));
