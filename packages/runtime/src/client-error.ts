// Answers what Node's HTTP parser rejects before any request exists: a malformed request (400),
// headers too large (431), or a client too slow to send its headers or body (408, see
// headersTimeoutMs and requestTimeoutMs). The connection is always closed after.
import type { Socket } from 'node:net';

const statusLines: Readonly<Record<string, string>> = {
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
};

/** The `clientError` listener of the server. */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // A response already under way on this socket cannot be followed by another status line.
  const pending = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && pending?.headersSent !== true) {
    const status = statusLines[error.code ?? ''] ?? '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  } else socket.destroy();
}
