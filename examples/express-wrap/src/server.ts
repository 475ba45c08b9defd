// The Express app from app.ts, served by thaw without a rewrite: thaw owns the port, health,
// readiness and graceful shutdown; Express keeps its routes and middleware.
import { fromNodeListener, serve } from '@thaw/runtime';
import { createApp } from './app.ts';

serve(fromNodeListener(createApp([{ id: 'tea', name: 'Green tea', priceCents: 450 }])));
