// (b) The Express app unchanged, served by thaw through fromNodeListener, its pool a critical init.
import { fromNodeListener, init, serve } from '@thaw/runtime';
import { pools } from '@thaw/runtime/pools';
import { createApp } from './b-express-app.mjs';
import { databaseUrl } from './connections.mjs';

const db = init('postgres', () => pools.pg('main', { connectionString: databaseUrl }), { when: 'critical' });
serve(fromNodeListener(createApp(db)));
