// The web-standard handler that @hono/node-server and thaw both run: the same code, so the
// difference measured is the server around it.
const hello = 'Hello World!\n';

/** `GET /hello` answers text; `POST /echo` parses the JSON body and answers it back. */
export async function webHandler(request) {
  if (request.method === 'POST') {
    const value = await request.json();
    return Response.json(value);
  }
  return new Response(hello, { headers: { 'content-type': 'text/plain' } });
}
