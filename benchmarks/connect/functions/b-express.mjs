// Shape (b) of benchmarks/shapes: the Express app unchanged through fromNodeListener, its pg pool
// a critical initializer; the pool's early connection switchable (early.mjs).
import { fromNodeListener, init, serve } from '@thaw/runtime';
import { pools } from '@thaw/runtime/pools';
import { createApp } from '../../shapes/functions/b-express-app.mjs';
import { databaseUrl } from '../../shapes/functions/connections.mjs';
import { earlyConnect } from './early.mjs';

const db = init('postgres', () => pools.pg('main', { connectionString: databaseUrl, earlyConnect }), {
  when: 'critical',
});
serve(fromNodeListener(createApp(db)));
