// The inventory SQLite database that both `inventory` and `fulfilment` open: one real file, two
// services, the shared-datastore coupling the estate is meant to show. Every statement runs in a
// CLIENT span carrying the database semantic conventions, current and older names both.
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { SpanKind } from '@opentelemetry/api';
import { markError, tracer } from './telemetry.ts';

export const DB_NAMESPACE = 'inventory';

export type Operation = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

export interface InventoryDb {
  all<T>(operation: Operation, table: string, sql: string, ...params: SQLInputValue[]): T[];
  run(operation: Operation, table: string, sql: string, ...params: SQLInputValue[]): number;
  /** Runs fn in one write transaction; the BEGIN/COMMIT themselves are not traced. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

export function openInventoryDb(file: string): InventoryDb {
  const db = new DatabaseSync(file);
  // Two processes write this file: WAL lets readers run beside a writer, and the busy timeout
  // waits out the other process's short write lock instead of failing with SQLITE_BUSY.
  db.exec('PRAGMA busy_timeout = 3000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  db.exec(`
    CREATE TABLE IF NOT EXISTS stock (sku TEXT PRIMARY KEY, on_hand INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS reservations (
      order_id TEXT NOT NULL, sku TEXT NOT NULL, qty INTEGER NOT NULL,
      status TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (order_id, sku));
    CREATE TABLE IF NOT EXISTS shipments (
      order_id TEXT PRIMARY KEY, carrier TEXT NOT NULL, created_at INTEGER NOT NULL);
  `);

  // Prepared once per distinct SQL text; the demo's statements are a fixed, small set.
  const statements = new Map<string, StatementSync>();
  const prepare = (sql: string): StatementSync => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };

  const traced = <T>(operation: Operation, table: string, sql: string, execute: () => T): T => {
    const span = tracer.startSpan(`${operation} ${table}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system.name': 'sqlite',
        'db.system': 'sqlite',
        'db.namespace': DB_NAMESPACE,
        'db.name': DB_NAMESPACE,
        'db.operation.name': operation,
        'db.operation': operation,
        'db.collection.name': table,
        'db.sql.table': table,
        'db.query.text': sql,
        'db.statement': sql,
      },
    });
    try {
      return execute();
    } catch (error) {
      markError(span, error, (error as { code?: string }).code ?? 'sqlite_error');
      throw error;
    } finally {
      span.end();
    }
  };

  return {
    all: <T>(operation: Operation, table: string, sql: string, ...params: SQLInputValue[]) =>
      traced(operation, table, sql, () => prepare(sql).all(...params) as T[]),
    run: (operation, table, sql, ...params) => traced(operation, table, sql, () => Number(prepare(sql).run(...params).changes)),
    transaction<T>(fn: () => T): T {
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = fn();
        db.exec('COMMIT');
        return result;
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    },
    close: () => db.close(),
  };
}
