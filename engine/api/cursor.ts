/**
 * Page cursors (`next_cursor` in, `cursor` out): opaque to callers, a position in base64url. The
 * webhook list pages by offset (its cursor is the bare number); delivery search by `seq` (`d` and
 * the number), so a cursor of one list is refused by the other.
 */
import { Errors } from '../errors.js';

export type CursorKind = 'offset' | 'seq';

const PREFIX: Record<CursorKind, string> = { offset: '', seq: 'd' };

export function encodeCursor(kind: CursorKind, position: number): string {
  return Buffer.from(`${PREFIX[kind]}${position}`).toString('base64url');
}

/** A `next_cursor` of this kind back to its position, at most `max`; anything else is a 400. */
export function decodeCursor(kind: CursorKind, cursor: string, max: number): number {
  const text = Buffer.from(cursor, 'base64url').toString();
  const digits = text.startsWith(PREFIX[kind]) ? text.slice(PREFIX[kind].length) : '';
  const position = /^\d{1,15}$/.test(digits) ? Number(digits) : NaN;
  if (!(position <= max) || (kind === 'seq' && position < 1))
    throw Errors.INVALID_INPUT('cursor is not a next_cursor value from a previous page', {
      details: { field: 'cursor', expected: 'a next_cursor from a previous page', received: cursor },
    });
  return position;
}
