/**
 * The event log's writer thread. Appends arrive as messages; those that arrive while a commit
 * (and its fsync) is running are committed together in the next one: group commit, off the
 * thread that serves requests.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AppendOutcome, SerializedAppend } from './event-log';
import { EventLogWriter } from './event-log-writer';

export type WriterRequest =
  | ({ readonly kind: 'append'; readonly id: number } & SerializedAppend)
  | { readonly kind: 'close' };

export type WriterReply =
  | { readonly kind: 'committed'; readonly ids: readonly number[]; readonly outcomes: readonly AppendOutcome[] }
  | { readonly kind: 'closed' };

export interface WriterOptions {
  readonly file: string;
  readonly backgroundCheckpoints: boolean;
}

const port = parentPort;
if (port === null) throw new Error('event-log-writer.worker must run on a worker thread');
const options = workerData as WriterOptions;
const writer = new EventLogWriter(options.file, { backgroundCheckpoints: options.backgroundCheckpoints });
let queue: Array<Extract<WriterRequest, { kind: 'append' }>> = [];
let flushScheduled = false;

function flush(): void {
  flushScheduled = false;
  const batch = queue;
  queue = [];
  if (batch.length === 0) return;
  const outcomes = writer.commit(batch);
  port?.postMessage({ kind: 'committed', ids: batch.map((append) => append.id), outcomes } satisfies WriterReply);
}

port.on('message', (request: WriterRequest) => {
  if (request.kind === 'append') {
    queue.push(request);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
    return;
  }
  // Appends sent before the close are committed before the file is closed.
  flush();
  writer.close();
  port.postMessage({ kind: 'closed' } satisfies WriterReply);
  port.close();
});
