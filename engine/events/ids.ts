/**
 * Sortable, prefixed ids (`evt_`, `exec_`, `wh_`, `del_` …): a ULID body (48-bit millisecond time +
 * 80 random bits, Crockford base32) so ids sort by creation time in the store and in logs.
 * Monotonic within a millisecond: the random part is incremented, as the ULID spec says, so two
 * ids made in the same millisecond still sort in creation order (per-endpoint FIFO relies on it).
 */
import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_BYTES = 10;

// One buffer refilled in bulk: ids are made on the ingress hot path.
const pool = Buffer.alloc(RANDOM_BYTES * 256);
let poolOffset = pool.length;
let lastTime = -1;
const lastRandom = new Uint8Array(RANDOM_BYTES);

export type IdPrefix = 'evt' | 'exec' | 'wh' | 'del' | 'att' | 'wf' | 'cred' | 'key' | 'log' | 'msg';

/** A new id such as `evt_01JD8X3B6Q9T2M4N5P7R8S9V0W`. */
export function createId(prefix: IdPrefix, nowMs: number = Date.now()): string {
  if (nowMs <= lastTime) incrementRandom();
  else {
    lastTime = nowMs;
    freshRandom();
  }
  return `${prefix}_${encodeTime(lastTime)}${encodeRandom()}`;
}

function freshRandom(): void {
  if (poolOffset + RANDOM_BYTES > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  for (let i = 0; i < RANDOM_BYTES; i++) lastRandom[i] = pool[poolOffset + i];
  poolOffset += RANDOM_BYTES;
}

function incrementRandom(): void {
  for (let i = RANDOM_BYTES - 1; i >= 0; i--) {
    if (lastRandom[i] < 255) {
      lastRandom[i]++;
      return;
    }
    lastRandom[i] = 0;
  }
}

function encodeTime(timeMs: number): string {
  let out = '';
  let rest = timeMs;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/** 80 bits → 16 base32 characters, 5 bits at a time. */
function encodeRandom(): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < RANDOM_BYTES; i++) {
    buffer = (buffer << 8) | lastRandom[i];
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}

/** The millisecond time encoded in an id made by `createId`. */
export function timeOfId(id: string): number {
  const body = id.slice(id.indexOf('_') + 1, id.indexOf('_') + 11);
  let time = 0;
  for (const char of body) time = time * 32 + ALPHABET.indexOf(char);
  return time;
}
