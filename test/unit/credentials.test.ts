import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ICredentialType } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import * as credentials from '../../credentials/index.js';

const dir = fileURLToPath(new URL('../../credentials/', import.meta.url));
const instances: ICredentialType[] = Object.values(credentials).map((Credential) => new Credential());

/** The fields each type must have, and which of them are secrets. */
const EXPECTED: Record<string, Record<string, boolean>> = {
  hooklineTokenApi: { token: true },
  hooklineBearerApi: { token: true },
  hooklineBasicAuthApi: { user: false, password: true },
  hooklineSigningSecretApi: { secret: true },
};

describe('credential types', () => {
  it('exports exactly the four Hookline credential types from credentials/index.ts', () => {
    expect(Object.keys(credentials).sort()).toEqual([
      'HooklineBasicAuthApi',
      'HooklineBearerApi',
      'HooklineSigningSecretApi',
      'HooklineTokenApi',
    ]);
    expect(instances.map((c) => c.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('names each file after its class and each type in camelCase ending in Api', () => {
    const files = readdirSync(dir)
      .filter((file) => file.endsWith('.credentials.ts'))
      .sort();
    expect(files).toEqual(
      Object.keys(credentials)
        .map((name) => `${name}.credentials.ts`)
        .sort(),
    );
    for (const [className, Credential] of Object.entries(credentials)) {
      const { name } = new Credential();
      expect(name).toBe(className.charAt(0).toLowerCase() + className.slice(1));
      expect(name).toMatch(/^[a-z][A-Za-z]*Api$/);
    }
  });

  it('has a display name ending in API, a documentation URL and an existing SVG icon', () => {
    for (const credential of instances) {
      expect(credential.displayName).toMatch(/^Hookline .+ API$/);
      expect(credential.documentationUrl).toMatch(/^https:\/\//);
      expect(credential.icon).toBe('file:hookline.svg');
    }
    expect(existsSync(`${dir}hookline.svg`)).toBe(true);
    expect(readFileSync(`${dir}hookline.svg`, 'utf8')).toMatch(
      /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>\s*$/,
    );
  });

  it('has the expected required string fields, secrets masked as passwords', () => {
    for (const credential of instances) {
      const fields = Object.fromEntries(credential.properties.map((p) => [p.name, p]));
      expect(Object.keys(fields).sort()).toEqual(Object.keys(EXPECTED[credential.name]).sort());
      for (const [field, secret] of Object.entries(EXPECTED[credential.name])) {
        expect(fields[field]).toMatchObject({ type: 'string', required: true, default: '' });
        expect(fields[field].description, field).toBeTruthy();
        expect(fields[field].typeOptions?.password === true, `${credential.name}.${field}`).toBe(secret);
      }
    }
  });
});
