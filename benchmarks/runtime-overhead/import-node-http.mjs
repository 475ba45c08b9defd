// Import cost, baseline: load node:http, then listen with a bare server so the harness can time
// the process; the thaw variant differs only in what it imports first.
const { createServer } = await import('node:http');

createServer((_request, response) => {
  response.end('imported\n');
}).listen(Number(process.env.PORT ?? '8080'), '0.0.0.0');
