/**
 * What a send reports back to `execute()`, per item, whichever way it went (engine or inline),
 * so the output items are built in one place.
 */
import type { IDataObject } from 'n8n-workflow';

/** An item that passed the conditions and is to be sent. */
export interface PreparedItem {
  /** Index of the input item: its output's `pairedItem`. */
  index: number;
  eventType: string;
  /** The receiver in url mode; empty in event mode. */
  url: string;
  /** The event data after `include_fields`. */
  data: unknown;
}

/** The result of sending one message: one entry per item it carried, and the error if it failed. */
export interface SendResult {
  items: Array<{ index: number; hookline: IDataObject }>;
  error?: Error;
}

/**
 * Receives each result as soon as it is known. It throws when the result failed and the node
 * does not continue on fail, which stops the remaining sends: n8n fails the run at that item.
 */
export type SettleResult = (result: SendResult) => void;
