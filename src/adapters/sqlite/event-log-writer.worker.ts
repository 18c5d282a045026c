/**
 * The event log's writer thread. Appends arrive as messages; those that arrive while a commit
 * (and its fsync) is running are committed together in the next one: group commit, off the
 * thread that serves requests.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type AppendOutcome, type NumberedAppend, type PackedAppends, unpackAppends } from './event-log';
import { EventLogWriter } from './event-log-writer';

export type WriterRequest =
  /** Every append issued in one turn of the caller's event loop. */
  | { readonly kind: 'append'; readonly appends: PackedAppends }
  | { readonly kind: 'close' };

export type WriterReply =
  /** `buffers`: the packed appends' buffers, handed back to be filled again. */
  | { readonly kind: 'committed'; readonly ids: readonly number[]; readonly outcomes: readonly AppendOutcome[]; readonly buffers: readonly ArrayBuffer[] }
  | { readonly kind: 'closed' };

export interface WriterOptions {
  readonly file: string;
  readonly backgroundCheckpoints: boolean;
}

const port = parentPort;
if (port === null) throw new Error('event-log-writer.worker must run on a worker thread');
const options = workerData as WriterOptions;
const writer = new EventLogWriter(options.file, { backgroundCheckpoints: options.backgroundCheckpoints });
let queue: NumberedAppend[] = [];
let emptied: ArrayBuffer[] = [];
let flushScheduled = false;

function flush(): void {
  flushScheduled = false;
  const batch = queue;
  queue = [];
  if (batch.length === 0) return;
  const outcomes = writer.commit(batch);
  const buffers = emptied;
  emptied = [];
  port?.postMessage({ kind: 'committed', ids: batch.map((append) => append.id), outcomes, buffers } satisfies WriterReply, buffers);
}

port.on('message', (request: WriterRequest) => {
  if (request.kind === 'append') {
    for (const append of unpackAppends(request.appends)) queue.push(append);
    emptied.push(request.appends.buffer);
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
