/**
 * The plain data that crosses into the piscina pool and back: no class instances, no store
 * handles. One task carries many requests (a task per signature costs more than the work).
 */
import type { TargetPolicy } from '../message/target-guard.js';
import type { SigningSpec } from '../message/index.js';

export interface SendRequest {
  /** Delivery id(s) this request settles (a batch settles several). */
  deliveryIds: string[];
  url: string;
  /** Exact body bytes as text; signed as is. */
  body: string;
  /** Headers besides the signature, from `message/outgoing.ts` (content-type, user-agent, ids, custom, auth). */
  headers: Record<string, string>;
  /** `webhook-id`: stable across retries of the same message (see `messageId`). */
  msgId: string;
  signing: SigningSpec | null;
  timeoutMs: number;
  /**
   * Epoch ms before which the request is not sent: a rate-limited endpoint's reserved send time.
   * In a sequential task it is sent at this time or when the one before it ends, whichever is later.
   */
  notBeforeMs?: number;
}

export interface SendResult {
  deliveryIds: string[];
  /** Epoch ms when the attempt started. */
  startedAtMs: number;
  /** HTTP status, or null when no response arrived. */
  statusCode: number | null;
  responseTimeMs: number;
  /** First ~1 KiB of the response body. */
  responseExcerpt: string | null;
  /** Seconds from a Retry-After header on 429/503, when present. */
  retryAfterSec: number | null;
  /** The receiver answered `webhook-delivery: abort-message`: do not retry this message. */
  abort: boolean;
  /** Error code from engine/errors.ts when the attempt failed without a 2xx. */
  errorCode:
    | 'DELIVERY_TIMEOUT'
    | 'DELIVERY_CONNECTION'
    | 'DELIVERY_REJECTED'
    | 'DELIVERY_GONE'
    | 'DELIVERY_ABORTED'
    | 'DELIVERY_TARGET_REFUSED'
    | null;
  error: string | null;
  /** The headers signing added (ids and timestamps as sent, signatures masked); absent when nothing was signed. */
  signedHeaders?: Record<string, string>;
  /** The response's headers, bounded (`message/attempt-headers.ts`); absent without a response. */
  responseHeaders?: Record<string, string>;
}

export interface SendTask {
  requests: SendRequest[];
  /**
   * `parallel`: all requests at once (unordered subscriptions); `sequential`: in order, and stop
   * at the first failure (FIFO per endpoint), leaving the rest unattempted.
   */
  mode: 'parallel' | 'sequential';
  /**
   * Where the requests may go (`allowPrivateTargets`, `httpsOnly` from the config), as plain
   * data: the worker thread applies it to the URL and to every address the host resolves to.
   */
  targets: TargetPolicy;
}

export interface SendTaskResult {
  results: SendResult[];
  /** Requests a sequential task did not attempt because an earlier one failed. */
  skipped: string[][];
}

/** Runs send tasks somewhere (the piscina pool, or inline); every request of a task yields a result. */
export interface Dispatcher {
  /**
   * Sends one task. Rejects only when the pool itself fails (a worker that cannot load), never
   * for a delivery problem.
   */
  send(task: SendTask): Promise<SendTaskResult>;
  /** Waits for running tasks, then ends the threads (or closes the inline connections). */
  close(): Promise<void>;
  readonly mode: 'pool' | 'inline';
  /**
   * piscina's utilization of the pool, 0..1: the run time of its tasks over the pool's capacity
   * (threads × time) since it started. 0 inline; a dispatcher without a pool may leave it out.
   */
  readonly utilization?: number;
  /**
   * How long the pool threads have been busy so far, in ms (their event loops' active time, summed):
   * the pacer charges what it grows by to delivery's share while requests arrive. Left out inline
   * (that work is the main thread's own) and by any dispatcher without a pool.
   */
  busyMs?(): number;
}
