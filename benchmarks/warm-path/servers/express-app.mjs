// The Express app that bare Express and thaw's fromNodeListener both run.
import express from 'express';

/** `GET /hello` answers text; `POST /echo` answers the JSON body back (express.json()). */
export function expressApp() {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.get('/hello', (_request, response) => {
    response.type('text/plain').send('Hello World!\n');
  });
  app.post('/echo', express.json(), (request, response) => {
    response.json(request.body);
  });
  return app;
}
