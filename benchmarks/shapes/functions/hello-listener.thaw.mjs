// The thaw fromNodeListener hello: a plain Node listener, slimmed like the shapes.
import { fromNodeListener, serve } from '@thaw/runtime';

const target = process.env.TARGET ?? 'World';
serve(
  fromNodeListener((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end(`Hello ${target}!\n`);
  }),
);
