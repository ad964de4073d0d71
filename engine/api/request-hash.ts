/**
 * The fingerprint an `Idempotency-Key` is stored with: a repeat of the key with the same request
 * answers with the first result, and with another request is a CONFLICT (the IETF
 * Idempotency-Key draft's "key reused with a different payload"). Object keys are sorted first, so
 * the same JSON sent with its fields in another order is the same request.
 */
import { createHash } from 'node:crypto';

export function hashRequest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value, sortedKeys)).digest('base64url');
}

function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, record[key]]),
  );
}
