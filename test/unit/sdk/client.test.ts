/** The client's option checks and URL handling (calls themselves are tested against a real engine). */
import { describe, expect, it } from 'vitest';
import { Hookline, HooklineApiError, isHooklineApiError } from '../../../engine/sdk/index.js';
import { apiRoot } from '../../../engine/sdk/transport.js';

describe('Hookline client', () => {
  it('requires a base URL and an API key', () => {
    expect(() => new Hookline({ baseUrl: '', apiKey: 'k' })).toThrow(TypeError);
    expect(() => new Hookline({ baseUrl: 'http://127.0.0.1:8787', apiKey: '' })).toThrow(/apiKey/);
  });

  it('accepts the server root with or without /api/v1 and trailing slashes', () => {
    expect(apiRoot('http://h:1')).toBe('http://h:1/api/v1');
    expect(apiRoot('http://h:1/')).toBe('http://h:1/api/v1');
    expect(apiRoot('http://h:1/api/v1/')).toBe('http://h:1/api/v1');
    expect(apiRoot('https://h/hookline')).toBe('https://h/hookline/api/v1');
  });

  it('carries the API code, status and details on its error', () => {
    const error = new HooklineApiError('INVALID_INPUT', 'bad', 400, { field: 'url' });
    expect(isHooklineApiError(error)).toBe(true);
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.code, error.status, error.details?.field]).toEqual([
      'HooklineApiError',
      'INVALID_INPUT',
      400,
      'url',
    ]);
    expect(isHooklineApiError(new Error('x'))).toBe(false);
  });
});
