// thaw around the Express app.
import { fromNodeListener, serve } from '@thaw/runtime';
import { expressApp } from './express-app.mjs';

serve(fromNodeListener(expressApp()), { host: '127.0.0.1', startupReport: 'off' });
