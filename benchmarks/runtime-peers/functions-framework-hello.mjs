// Knative's hello-world on Google's Functions Framework for Node.js, the runtime of Cloud Run
// functions: registered with http() and started by the framework's own command
// (`functions-framework --target=hello --source=functions-framework-hello.mjs`), which reads PORT.
import functions from '@google-cloud/functions-framework';

const target = process.env.TARGET ?? 'World';

functions.http('hello', (_request, response) => {
  response.type('text/plain').send(`Hello ${target}!\n`);
});
