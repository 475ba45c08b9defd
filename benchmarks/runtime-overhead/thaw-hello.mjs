// The same function through @thaw/runtime (the built package): health, readiness, drain and the
// startup report around it. The report line is turned off so both variants write the same output.
import { serve } from '@thaw/runtime';

const target = process.env.TARGET ?? 'World';
serve(() => new Response(`Hello ${target}!\n`, { headers: { 'content-type': 'text/plain' } }), {
  startupReport: 'off',
});
