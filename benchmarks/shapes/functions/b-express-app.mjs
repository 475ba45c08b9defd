// (b) An ordinary Express app on PostgreSQL, written with no knowledge of thaw: it takes a
// function that gives it the pool.
import express from 'express';

export function createApp(pool) {
  const app = express();
  app.disable('x-powered-by');
  app.get('/', async (_req, res, next) => {
    try {
      const { rows } = await (await pool()).query('SELECT now() AS at, current_database() AS db');
      res.json(rows[0]);
    } catch (error) {
      next(error);
    }
  });
  return app;
}
