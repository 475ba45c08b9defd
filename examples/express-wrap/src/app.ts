// An ordinary Express application, written with no knowledge of thaw: an in-memory catalogue
// with JSON in and out. server.ts serves it through thaw unchanged.
import express, { type ErrorRequestHandler } from 'express';

export interface Item {
  readonly id: string;
  readonly name: string;
  readonly priceCents: number;
}

/** Builds the app with its own store, so tests get a fresh one each time. */
export function createApp(seed: readonly Item[] = []): express.Express {
  const items = new Map(seed.map((item) => [item.id, item]));
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '16kb' }));

  app.get('/items', (_req, res) => {
    res.json([...items.values()]);
  });

  app.get('/items/:id', (req, res) => {
    const item = items.get(req.params.id);
    if (item === undefined) res.status(404).json({ error: `no item ${req.params.id}` });
    else res.json(item);
  });

  app.post('/items', (req, res) => {
    const body = req.body as Partial<Item> | undefined;
    if (
      typeof body?.id !== 'string' ||
      typeof body.name !== 'string' ||
      !Number.isSafeInteger(body.priceCents)
    ) {
      res.status(400).json({ error: 'expected { id: string, name: string, priceCents: integer }' });
      return;
    }
    const item: Item = { id: body.id, name: body.name, priceCents: body.priceCents as number };
    items.set(item.id, item);
    res.status(201).json(item);
  });

  const onError: ErrorRequestHandler = (error: { status?: number; message?: string }, _req, res, _next) => {
    res
      .status(error.status ?? 500)
      .json({ error: error.status === undefined ? 'internal error' : error.message });
  };
  app.use(onError);
  return app;
}
