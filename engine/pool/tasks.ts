/**
 * The piscina worker file: named pure handlers picked by `run(data, { name })` (piscina's
 * `multiple-workers-one-file` example). Plain data in, plain data out; it imports only the
 * message builder (signing), the pure target guard (ipaddr.js) and undici, never fastify, the store or
 * n8n, because it runs in worker threads.
 */
import { isMainThread } from 'node:worker_threads';
import { signHeaders, type SigningSpec } from '../message/index.js';
import { TUNING } from '../tuning.js';
import { sendBatch } from './send.js';
import { lowerThreadPriority } from './thread-priority.js';
import type { SendTask, SendTaskResult } from './types.js';

// Sending may lag; answering requests on the main thread may not.
if (!isMainThread) lowerThreadPriority(TUNING.pool.threadNice);

/** Signs and sends one task's requests over this thread's keep-alive connections. */
export async function send(task: SendTask): Promise<SendTaskResult> {
  return sendBatch(task);
}

/** One payload for {@link sign}. */
export interface SignItem {
  msgId: string;
  body: string;
  signing: SigningSpec;
}

/** A batch of payloads to sign: many per task, since one signature costs less than the hand-off. */
export interface SignTask {
  items: SignItem[];
  /** @defaultValue `Math.floor(Date.now() / 1000)` when the task runs */
  timestampSec?: number;
}

/**
 * Signs many payloads and returns each one's signature headers, in order. For the pool-vs-inline
 * benchmark of signing alone (DESIGN §7).
 */
export function sign(task: SignTask): Array<Record<string, string>> {
  const timestampSec = task.timestampSec ?? Math.floor(Date.now() / 1000);
  return task.items.map((item) => signHeaders({}, item, item.signing, timestampSec));
}
