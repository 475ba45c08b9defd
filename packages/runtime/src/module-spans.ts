// `node --import @thaw/runtime/module-spans index.js`: starts the sampling profile behind the
// cold start's module-load spans before the function's first module loads, instead of at the
// runtime's first import (which THAW_OTEL_MODULE_SPANS=1 does). Tracing must be on for the
// spans to be exported. Exports nothing; importing it is the whole effect.
import { startModuleProfile } from './startup/module-profile.ts';

startModuleProfile(process.env, true);
