// @thaw/runtime/adapters: functions written for other runtimes, served by thaw unchanged.
// A subpath of its own, so importing the main entry never loads any of it.
export { serveFaas, faasModuleOf } from './faas/serve-faas.ts';
export type {
  FaasModule,
  FaasContext,
  FaasLogger,
  FaasHealthCheck,
  FaasReply,
  FaasCloudEventResponse,
  StructuredReturn,
} from './faas/faas-types.ts';
export { serveFunctionsFramework } from './functions-framework/serve-functions-framework.ts';
export type { FunctionsFrameworkOptions } from './functions-framework/serve-functions-framework.ts';
export type { FrameworkRequest, FrameworkResponse } from './functions-framework/express-like.ts';
export type { SignatureType } from './functions-framework/find-target.ts';
