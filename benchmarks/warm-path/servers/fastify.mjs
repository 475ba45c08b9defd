// Fastify with the same two routes (its own JSON body parser and serializer).
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/hello', (_request, reply) => {
  reply.type('text/plain').send('Hello World!\n');
});
app.post('/echo', (request, reply) => {
  reply.send(request.body);
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
