// Puts the light Request, Response and Headers in place of Node's for a web handler, and makes
// them `instanceof` Node's own as soon as those load, for code that captured the originals.
import { installGlobals, whenFetchClassesLoad } from './fetch-classes.ts';
import { LightHeaders } from './light-headers.ts';
import { LightRequest } from './light-request.ts';
import { LightResponse } from './light-response.ts';

/**
 * Installs the light fetch classes on globalThis, once per process. Until a handler touches what
 * only Node's implementation has, a web handler's request and response never load it.
 */
export function installLightFetchClasses(): void {
  if (!installGlobals({ Request: LightRequest, Response: LightResponse, Headers: LightHeaders })) return;
  whenFetchClassesLoad((node) => {
    Object.setPrototypeOf(LightRequest.prototype, node.Request.prototype);
    Object.setPrototypeOf(LightResponse.prototype, node.Response.prototype);
    Object.setPrototypeOf(LightHeaders.prototype, node.Headers.prototype);
  });
}
