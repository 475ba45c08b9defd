// Reads a request body into memory with a hard size limit, so one oversized upload cannot take
// the process's memory; a declared Content-Length over the limit is refused before reading.
import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError } from '../errors.ts';
import { rawHeader } from '../raw-headers.ts';

/** True when the request declares a Content-Length above the limit. */
export function declaresTooLarge(request: IncomingMessage, limitBytes: number): boolean {
  const declared = rawHeader(request, 'content-length');
  return declared !== undefined && Number(declared) > limitBytes;
}

/** The whole body, or a {@link BodyTooLargeError} once it passes `limitBytes`. */
export function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  if (declaresTooLarge(request, limitBytes)) return Promise.reject(new BodyTooLargeError(limitBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) {
        cleanup();
        // Stop reading but keep the socket: the 413 still has to be written on it.
        request.pause();
        reject(new BodyTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const cleanup = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
  });
}
