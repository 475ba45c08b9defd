// (b) The Express app the usual way: the pool connected before app.listen().
import pg from 'pg';
import { createApp } from './b-express-app.mjs';
import { databaseUrl } from './connections.mjs';

const pool = new pg.Pool({ connectionString: databaseUrl });
await pool.query('SELECT 1');
createApp(async () => pool).listen(Number(process.env.PORT ?? '8080'), '0.0.0.0');
