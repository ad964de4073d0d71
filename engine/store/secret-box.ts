/**
 * Encryption at rest for credentials and subscription secrets: AES-256-GCM with a random 12-byte
 * IV per value, the key derived from the configured key with scrypt once at start.
 * Format: `v1:<iv b64>:<tag b64>:<ciphertext b64>` so the scheme can change later.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Errors } from '../errors.js';
import type { Logger } from '../logger.js';

export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

// Fixed salt: the key is already high-entropy or user-chosen; scrypt only stretches it.
const SALT = 'hookline/secret-box/v1';

export function createSecretBox(key: string): SecretBox {
  const keyBytes = scryptSync(key, SALT, 32);
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keyBytes, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `v1:${iv.toString('base64')}:${cipher.getAuthTag().toString('base64')}:${body.toString('base64')}`;
    },
    open(sealed) {
      const [version, iv, tag, body] = sealed.split(':');
      if (version !== 'v1' || !iv || !tag || body === undefined)
        throw Errors.INTERNAL('Stored secret has an unknown format');
      try {
        const decipher = createDecipheriv('aes-256-gcm', keyBytes, Buffer.from(iv, 'base64'));
        decipher.setAuthTag(Buffer.from(tag, 'base64'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
      } catch (cause) {
        throw Errors.INVALID_CONFIG(
          'Cannot decrypt a stored secret: the encryption key differs from the one it was written with',
          { cause },
        );
      }
    },
  };
}

/**
 * The configured key, or a key file next to the database made on first start (mode 0600), as
 * n8n does with its own encryption key. In-memory databases get a throwaway key. An existing key
 * file that others may read or write is used, with a warning naming it (`log`, when given).
 */
export function resolveEncryptionKey(configuredKey: string, dbPath: string, log?: Logger): string {
  if (configuredKey) return configuredKey;
  if (dbPath === ':memory:') return randomBytes(32).toString('base64');
  const keyFile = `${dbPath}.key`;
  if (existsSync(keyFile)) {
    const mode = statSync(keyFile).mode & 0o777;
    if (mode & 0o077 && process.platform !== 'win32')
      log?.warn(
        { file: keyFile, mode: mode.toString(8) },
        `Encryption key file ${keyFile} has mode ${mode.toString(8)}: other users may read it; run chmod 600 on it`,
      );
    return readFileSync(keyFile, 'utf8').trim();
  }
  mkdirSync(dirname(keyFile), { recursive: true });
  const key = randomBytes(32).toString('base64');
  writeFileSync(keyFile, `${key}\n`, { mode: 0o600, flag: 'wx' });
  // The mode above is filtered by the umask; the chmod makes it exactly 0600 whatever the umask.
  chmodSync(keyFile, 0o600);
  return key;
}
