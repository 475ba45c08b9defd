// Knative's hello-world function (https://knative.dev/docs/functions/), served by thaw:
// `Hello <TARGET>!`, with TARGET from the environment.
import { serve } from '@thaw/runtime';

const target = process.env['TARGET'] ?? 'World';

serve(() => new Response(`Hello ${target}!\n`, { headers: { 'content-type': 'text/plain; charset=utf-8' } }));
