// Import cost of @thaw/runtime: import the built package (nothing else), then listen with the
// same bare node:http server as import-node-http.mjs.
await import('@thaw/runtime');
const { createServer } = await import('node:http');

createServer((_request, response) => {
  response.end('imported\n');
}).listen(Number(process.env.PORT ?? '8080'), '0.0.0.0');
