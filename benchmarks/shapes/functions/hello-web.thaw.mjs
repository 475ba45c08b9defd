// The thaw web hello: a web-standard handler, slimmed like the shapes.
import { serve } from '@thaw/runtime';

const target = process.env.TARGET ?? 'World';
serve(() => new Response(`Hello ${target}!\n`, { headers: { 'content-type': 'text/plain' } }));
