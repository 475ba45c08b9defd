// thaw with the web-standard handler (tracing and /metrics as the environment says: off unless
// the variant sets THAW_OTEL).
import { serve } from '@thaw/runtime';
import { webHandler } from './web-handler.mjs';

serve(webHandler, { host: '127.0.0.1', startupReport: 'off' });
