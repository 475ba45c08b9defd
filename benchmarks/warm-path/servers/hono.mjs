// @hono/node-server running the web-standard handler directly as its `fetch`.
import { serve } from '@hono/node-server';
import { webHandler } from './web-handler.mjs';

serve({ fetch: webHandler, port: Number(process.env.PORT), hostname: '127.0.0.1' });
