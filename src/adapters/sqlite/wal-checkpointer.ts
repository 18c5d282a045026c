import { Worker } from 'node:worker_threads';

/** Pages of WAL after which the writer itself checkpoints anyway (a backstop, ~80 MB). */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 20_000;

/**
 * Runs SQLite WAL checkpoints on a worker thread. By default the connection that commits when the
 * WAL passes 1,000 pages copies it into the database file and fsyncs it inside that COMMIT: with
 * better-sqlite3 being synchronous, that stalled the event loop for 20–130 ms every few seconds
 * under load. The owner sets `wal_autocheckpoint` to the backstop; this thread checkpoints
 * PASSIVE-ly (never blocking writers or readers) every `intervalMs` on its own connection.
 */
export class WalCheckpointer {
  private readonly worker: Worker;

  constructor(file: string, intervalMs = 200) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, intervalMs } });
    // A checkpoint that fails is retried on the next tick; the backstop keeps the WAL bounded.
    this.worker.on('error', () => undefined);
    this.worker.unref();
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
setInterval(() => {
  try { checkpoint.get(); } catch { /* busy or closed: next tick */ }
}, workerData.intervalMs);
`;
