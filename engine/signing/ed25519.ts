import { Buffer } from 'node:buffer';
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';
import { checkTimestamp, noMatch } from './common.js';
import { memo } from '../memo.js';
import { decodeBase64 } from './secrets.js';
import { readStandardHeaders, standardHeaders, versionedSignatures } from './standard-webhooks.js';
import type { SignInput, VerifyInput } from './types.js';

/** Prefix of a Standard Webhooks Ed25519 secret key: base64 of the raw 32-byte seed. */
export const SECRET_KEY_PREFIX = 'whsk_';
/** Prefix of a Standard Webhooks Ed25519 public key: base64 of the raw 32-byte key. */
export const PUBLIC_KEY_PREFIX = 'whpk_';

/** A new Ed25519 key pair in Standard Webhooks form. */
export interface Ed25519KeyPair {
  /** `whsk_…`: keep on the sending side. */
  secretKey: string;
  /** `whpk_…`: hand to receivers. */
  publicKey: string;
}

/**
 * DER header of a PKCS#8 Ed25519 private key; the 32-byte seed follows it. Used instead of a JWK
 * because a private JWK must also carry `x`, the public key we do not have yet.
 */
const PKCS8_SEED_HEADER = Buffer.from('302e020100300506032b657004220420', 'hex');

const privateKeys = new Map<string, KeyObject>();
const publicKeys = new Map<string, KeyObject>();

/** Decodes `<prefix><base64 of 32 bytes>`, throwing a TypeError for a misconfigured key. */
function rawKey(key: string, prefix: string, what: string): Buffer {
  if (!key.startsWith(prefix)) throw new TypeError(`${what} must start with '${prefix}'`);
  const raw = decodeBase64(key.slice(prefix.length), what);
  if (raw.length !== 32) throw new TypeError(`${what} must be 32 bytes, got ${raw.length}`);
  return raw;
}

function privateKeyOf(secretKey: string): KeyObject {
  return memo(privateKeys, secretKey, (k) =>
    createPrivateKey({
      key: Buffer.concat([PKCS8_SEED_HEADER, rawKey(k, SECRET_KEY_PREFIX, 'Ed25519 secret key')]),
      format: 'der',
      type: 'pkcs8',
    }),
  );
}

/** Accepts a `whsk_` too, so one configured secret key can verify what it signed. */
function publicKeyOf(key: string): KeyObject {
  return memo(publicKeys, key, (k) => {
    if (k.startsWith(SECRET_KEY_PREFIX)) return createPublicKey(privateKeyOf(k));
    const x = rawKey(k, PUBLIC_KEY_PREFIX, 'Ed25519 public key').toString('base64url');
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
  });
}

/** `whpk_` form of a public KeyObject. */
function encodePublicKey(key: KeyObject): string {
  const { x } = key.export({ format: 'jwk' });
  return PUBLIC_KEY_PREFIX + Buffer.from(x as string, 'base64url').toString('base64');
}

/** Creates a key pair: `whsk_<base64 seed>` and `whpk_<base64 public key>`. */
export function generateEd25519Keys(): Ed25519KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const { d } = privateKey.export({ format: 'jwk' });
  return {
    secretKey: SECRET_KEY_PREFIX + Buffer.from(d as string, 'base64url').toString('base64'),
    publicKey: encodePublicKey(publicKey),
  };
}

/** The `whpk_` public key that belongs to a `whsk_` secret key. */
export function publicKeyFromSecret(secretKey: string): string {
  return encodePublicKey(createPublicKey(privateKeyOf(secretKey)));
}

/** Ed25519 signs in one shot (no streaming), so the content has to be one buffer. */
function signedContent(msgId: string, timestamp: string | number, body: string | Buffer): Buffer {
  const prefix = `${msgId}.${timestamp}.`;
  return typeof body === 'string'
    ? Buffer.from(prefix + body, 'utf8')
    : Buffer.concat([Buffer.from(prefix, 'utf8'), body]);
}

/** Signs with every secret key: `v1a,<sig> v1a,<sig>`. */
export function signEd25519(input: SignInput): Record<string, string> {
  const content = signedContent(input.msgId, input.timestampSec, input.body);
  let signature = '';
  for (const secretKey of input.secrets) {
    const entry = `v1a,${cryptoSign(null, content, privateKeyOf(secretKey)).toString('base64')}`;
    signature = signature === '' ? entry : `${signature} ${entry}`;
  }
  return standardHeaders(input.msgId, input.timestampSec, signature);
}

/** Accepts when any `v1a` signature verifies under any of the given public keys. */
export function verifyEd25519(input: VerifyInput): void {
  const { id, timestamp, signature } = readStandardHeaders(input.headers);
  checkTimestamp(timestamp, input.toleranceSec, input.nowSec);
  const keys = input.secrets.map(publicKeyOf);
  const content = signedContent(id, timestamp, input.body);
  for (const candidate of versionedSignatures(signature, 'v1a')) {
    // Garbage is a mismatch, not an exception: only the base64 of exactly 64 bytes reaches verify.
    if (!/^[A-Za-z0-9+/]{86}==$/.test(candidate)) continue;
    const bytes = Buffer.from(candidate, 'base64');
    if (keys.some((key) => cryptoVerify(null, content, key, bytes))) return;
  }
  throw noMatch();
}
