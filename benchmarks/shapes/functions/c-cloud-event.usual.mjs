// (c) The same CloudEvents function the usual way: the cloudevents SDK parses the request,
// Redis is connected before listening.
import { createServer } from 'node:http';
import { CloudEvent, HTTP } from 'cloudevents';
import { Redis } from 'ioredis';
import { greetingKey, redisUrl } from './connections.mjs';

const redis = new Redis(redisUrl);
await redis.ping();

createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    const event = HTTP.toEvent({ headers: req.headers, body: Buffer.concat(chunks).toString() });
    const greeting = (await redis.get(greetingKey)) ?? 'Hello';
    const reply = new CloudEvent({
      type: 'GreetingSent',
      source: '/shapes/c',
      data: { greeting, to: event.data?.name ?? 'World' },
    });
    const message = HTTP.binary(reply);
    res.writeHead(200, message.headers);
    res.end(message.body);
  });
}).listen(Number(process.env.PORT ?? '8080'), '0.0.0.0');
