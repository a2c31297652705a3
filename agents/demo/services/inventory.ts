// inventory: stock levels and reservations in the inventory SQLite database, which fulfilment
// also writes (the shared datastore). Reserving fails with 409 when a line is out of stock;
// a periodic restock job keeps the estate from running dry.
import { context } from '@opentelemetry/api';
import { type InventoryDb, SKU_COUNT, openInventoryDb, skuName } from '../lib/inventory-db.ts';
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

// Seed once; the other opener of this file (fulfilment) never writes stock.
db.transaction(() => {
  const [{ n }] = db.all<{ n: number }>('SELECT', 'stock', 'SELECT COUNT(*) AS n FROM stock');
  if (n === 0) {
    for (let i = 1; i <= SKU_COUNT; i++) {
      db.run('INSERT', 'stock', 'INSERT INTO stock (sku, on_hand) VALUES (?, ?)', skuName(i), 20 + Math.floor(Math.random() * 200));
    }
  }
});

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
