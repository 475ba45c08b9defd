// Baseline, CommonJS: the same hello as hello.mjs loaded with require(). An ES import of
// node:http also loads Node's fetch implementation (its namespace evaluates node:http's lazy
// WebSocket getters); require() does not, so this is the stricter of the two baselines.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS baseline on purpose
const { createServer } = require('node:http');

const target = process.env.TARGET ?? 'World';
createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain' });
  response.end(`Hello ${target}!\n`);
}).listen(Number(process.env.PORT ?? '8080'), '0.0.0.0');
