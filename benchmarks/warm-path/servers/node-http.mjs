// Bare node:http: the floor every other variant is read against.
import { createServer } from 'node:http';
import { nodeListener } from './node-listener.mjs';

createServer(nodeListener).listen(Number(process.env.PORT), '127.0.0.1');
