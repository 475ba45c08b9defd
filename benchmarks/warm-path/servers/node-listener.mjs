// The node:http listener that bare node:http and thaw's fromNodeListener both run.
const hello = 'Hello World!\n';

/** `GET /hello` answers text; `POST /echo` parses the JSON body and answers it back. */
export function nodeListener(request, response) {
  if (request.method === 'POST') {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const text = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      response.end(text);
    });
    return;
  }
  response.writeHead(200, { 'content-type': 'text/plain', 'content-length': hello.length });
  response.end(hello);
}
