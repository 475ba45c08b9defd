// The same hello through @thaw/runtime, but as a wrapped Node listener: the wrapper's own cost
// without the web-standard Request/Response, whose first use loads Node's fetch implementation.
import { fromNodeListener, serve } from '@thaw/runtime';

const target = process.env.TARGET ?? 'World';
serve(
  fromNodeListener((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end(`Hello ${target}!\n`);
  }),
  { startupReport: 'off' },
);
