// node-http.mjs as CommonJS, for the traced reference: @opentelemetry/instrumentation-http
// patches node:http through the require hook, which an ES import of the builtin bypasses.
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS is the point of this file. */
const { createServer } = require('node:http');
const { nodeListener } = require('./node-listener.mjs');

createServer(nodeListener).listen(Number(process.env.PORT), '127.0.0.1');
