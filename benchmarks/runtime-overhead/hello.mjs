// Baseline: the smallest correct HTTP function, plain node:http (Knative's hello-world in Node).
import { createServer } from 'node:http';

const target = process.env.TARGET ?? 'World';
createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain' });
  response.end(`Hello ${target}!\n`);
}).listen(Number(process.env.PORT ?? '8080'), '0.0.0.0');
