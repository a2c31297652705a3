// fulfilment: consumes orders.placed from the broker (CONSUMER spans in new traces, linked to
// checkout's PRODUCER span) and allocates and ships from the same inventory SQLite database
// that the inventory service owns: the shared datastore.
import { consume } from '../lib/broker-client.ts';
import { openInventoryDb } from '../lib/inventory-db.ts';
import { chance, peerUrl, randomBetween, serve, sleep } from '../lib/service.ts';

const dbFile = process.env.INVENTORY_DB;
if (!dbFile) throw new Error('INVENTORY_DB must name the SQLite file');
const db = openInventoryDb(dbFile);
const CARRIERS = ['dhl', 'ups', 'postnl'];

interface OrderPlaced {
  orderId: string;
}

await serve('fulfilment', []);

consume<OrderPlaced>({
  brokerUrl: peerUrl('orders-broker'),
  topic: 'orders.placed',
  group: 'fulfilment',
  handle: async ({ payload }) => {
    await sleep(randomBetween(5, 30));
    db.transaction(() => {
      const allocated = db.run('UPDATE', 'reservations', "UPDATE reservations SET status = 'shipped' WHERE order_id = ? AND status = 'reserved'", payload.orderId);
      if (allocated === 0) throw new Error(`no reservation for order ${payload.orderId}`);
      db.run('INSERT', 'shipments', 'INSERT OR IGNORE INTO shipments (order_id, carrier, created_at) VALUES (?, ?, ?)', payload.orderId, CARRIERS[Math.floor(Math.random() * CARRIERS.length)]!, Date.now());
    });
    // Rarely the warehouse system rejects a pick list; the message is dropped (no retry), the span fails.
    if (chance(0.01)) throw new Error('warehouse rejected the pick list');
  },
});
