// thaw around the bare node:http listener.
import { fromNodeListener, serve } from '@thaw/runtime';
import { nodeListener } from './node-listener.mjs';

serve(fromNodeListener(nodeListener), { host: '127.0.0.1', startupReport: 'off' });
