// Knative's hello-world on Knative's own Node function runtime, faas-js-runtime (the one `func`
// builds for Node functions): an HTTP function handed to its start(), which serves it on Fastify.
import faas from 'faas-js-runtime';

const target = process.env.TARGET ?? 'World';

function handle() {
  return { body: `Hello ${target}!\n`, headers: { 'content-type': 'text/plain' } };
}

faas.start(handle, { port: Number(process.env.PORT ?? '8080') }).catch((error) => {
  console.error(error);
  process.exit(1);
});
