// inventory: stock levels and reservations in the inventory SQLite database, which fulfilment
// also writes (the shared datastore). Reserving fails with 409 when a line is out of stock;
// a periodic restock job keeps the estate from running dry.
import { context } from '@opentelemetry/api';
import { SKU_COUNT } from '../lib/catalogue.ts';
import { type InventoryDb, openInventoryDb } from '../lib/inventory-db.ts';
import { type Route, envNumber, serve } from '../lib/service.ts';
import { inSpan } from '../lib/telemetry.ts';

interface Line {
  sku: string;
  qty: number;
}

const dbFile = process.env.INVENTORY_DB;
if (!dbFile) throw new Error('INVENTORY_DB must name the SQLite file');
const db: InventoryDb = openInventoryDb(dbFile);
const restockEveryMs = envNumber('RESTOCK_EVERY_MS', 15000);

// Seed once, in one statement; the other opener of this file (fulfilment) never writes stock.
db.run(
  'INSERT',
  'stock',
  `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
   INSERT OR IGNORE INTO stock (sku, on_hand) SELECT printf('SKU-%04d', i), 20 + abs(random() % 200) FROM n`,
  SKU_COUNT,
);

const routes: Route[] = [
  {
    method: 'GET',
    template: '/stock',
    handle: ({ url }) => {
      const skus = (url.searchParams.get('skus') ?? '').split(',').filter(Boolean).slice(0, 50);
      const rows = db.all<{ sku: string; on_hand: number }>(
        'SELECT',
        'stock',
        'SELECT sku, on_hand FROM stock WHERE sku IN (SELECT value FROM json_each(?))',
        JSON.stringify(skus),
      );
      return { status: 200, body: { stock: rows } };
    },
  },
  {
    method: 'POST',
    template: '/reservations',
    handle: ({ body }) => {
      const { orderId, lines } = body as { orderId: string; lines: Line[] };
      if (!orderId || !Array.isArray(lines) || lines.length === 0) return { status: 400, body: { error: 'orderId and lines required' } };
      const wanted = JSON.stringify(lines.map((l) => ({ sku: l.sku, qty: l.qty })));
      return db.transaction(() => {
        const short = db.all<{ sku: string }>(
          'SELECT',
          'stock',
          `SELECT w.value->>'sku' AS sku FROM json_each(?) w
             LEFT JOIN stock s ON s.sku = w.value->>'sku'
            WHERE s.on_hand IS NULL OR s.on_hand < w.value->>'qty'`,
          wanted,
        );
        if (short.length > 0) return { status: 409, body: { error: 'out_of_stock', skus: short.map((r) => r.sku) } };
        db.run(
          'UPDATE',
          'stock',
          `UPDATE stock SET on_hand = on_hand - (SELECT SUM(w.value->>'qty') FROM json_each(?1) w WHERE w.value->>'sku' = stock.sku)
            WHERE sku IN (SELECT value->>'sku' FROM json_each(?1))`,
          wanted,
        );
        db.run(
          'INSERT',
          'reservations',
          `INSERT OR REPLACE INTO reservations (order_id, sku, qty, status, created_at)
             SELECT ?1, value->>'sku', SUM(value->>'qty'), 'reserved', ?2 FROM json_each(?3) GROUP BY value->>'sku'`,
          orderId,
          Date.now(),
          wanted,
        );
        return { status: 201, body: { orderId, reserved: lines.length } };
      });
    },
  },
];

await serve('inventory', routes);

// A background job: a root INTERNAL span per run, its statements as children.
setInterval(() => {
  void inSpan('restock', {}, async () => {
    db.run('UPDATE', 'stock', 'UPDATE stock SET on_hand = on_hand + 150 WHERE on_hand < 40');
    db.run('DELETE', 'reservations', "DELETE FROM reservations WHERE status = 'shipped' AND created_at < ?", Date.now() - 10 * 60_000);
  }, context.active()).catch(() => undefined);
}, restockEveryMs).unref();
