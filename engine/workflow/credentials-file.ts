/**
 * Credentials live outside workflow files: a JSON file in n8n's export shape
 * `[{ "id", "name", "type", "data": { … } }]`, where a string value `$env:NAME` is read from the
 * environment at load, so the file itself can be committed without secrets.
 */
import { readFile } from 'node:fs/promises';
import { compileJsonSchema } from '../validation.js';
import { Errors } from '../errors.js';
import type { CredentialRecord } from '../store/types.js';

const validateFile = compileJsonSchema({
  type: 'array',
  items: {
    type: 'object',
    required: ['name', 'type', 'data'],
    properties: {
      id: { type: 'string' },
      name: { type: 'string', minLength: 1 },
      type: { type: 'string', minLength: 1 },
      data: { type: 'object' },
    },
  },
});

export async function readCredentialsFile(
  path: string,
  env: Record<string, string | undefined>,
): Promise<CredentialRecord[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw Errors.INVALID_CONFIG(`Cannot read credentials file ${path}: ${(cause as Error).message}`, {
      cause,
    });
  }
  if (!validateFile(parsed)) {
    const error = validateFile.errors?.[0];
    throw Errors.INVALID_CONFIG(
      `Credentials file ${path}: ${error?.instancePath || '/'} ${error?.message ?? 'is invalid'}`,
    );
  }
  return (parsed as Array<Omit<CredentialRecord, 'id'> & { id?: string }>).map((entry) => ({
    id: entry.id ?? `${entry.type}:${entry.name}`,
    name: entry.name,
    type: entry.type,
    data: resolveEnv(entry.data, env, `${path} credential '${entry.name}'`),
  }));
}

function resolveEnv(
  data: Record<string, unknown>,
  env: Record<string, string | undefined>,
  where: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (typeof value === 'string' && value.startsWith('$env:')) {
      const name = value.slice(5);
      const resolved = env[name];
      if (resolved === undefined)
        throw Errors.INVALID_CONFIG(`${where}: field '${key}' reads environment variable ${name}, which is not set`);
      out[key] = resolved;
    } else out[key] = value;
  }
  return out;
}
