import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../engine/errors.js';
import {
  authenticate,
  authKey,
  BASIC_CHALLENGE,
  BEARER_CHALLENGE,
  secretsEqual,
  type AuthMethod,
  type AuthRequest,
} from '../../../engine/trigger-checks/auth.js';
import { rejectionBody, rejectionFromAuthError, WebhookAuthError } from '../../../engine/trigger-checks/rejection.js';

const TOKEN = 'wh_1234567890abcdef';

function request(parts: Partial<AuthRequest> = {}): AuthRequest {
  return { headers: {}, query: {}, ...parts };
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** Runs authenticate and returns the WebhookAuthError it threw (failing the test when it did not). */
function failure(req: AuthRequest, method: AuthMethod, credential: Record<string, unknown> | null): WebhookAuthError {
  try {
    authenticate(req, method, credential);
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookAuthError);
    return error as WebhookAuthError;
  }
  throw new Error('authenticate accepted the request');
}

describe('authenticate: URL token', () => {
  const credential = { token: TOKEN };

  it('accepts the configured ?token=', () => {
    expect(() => authenticate(request({ query: { token: TOKEN } }), 'urlToken', credential)).not.toThrow();
  });

  it('rejects a wrong token with 401 UNAUTHORIZED and no challenge header', () => {
    const error = failure(request({ query: { token: 'wh_wrong' } }), 'urlToken', credential);
    expect([error.status, error.code, error.message, error.wwwAuthenticate]).toEqual([
      401,
      'UNAUTHORIZED',
      'Invalid token',
      undefined,
    ]);
  });

  it('rejects a missing token and says where to put it', () => {
    const error = failure(request(), 'urlToken', credential);
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/\?token=/);
  });

  it('rejects a repeated ?token= (an array) even when one entry is right', () => {
    expect(failure(request({ query: { token: [TOKEN, 'x'] } }), 'urlToken', credential).status).toBe(401);
  });

  it('does not accept the token from a header or a Bearer header', () => {
    const headers = { 'x-webhook-token': TOKEN, authorization: `Bearer ${TOKEN}` };
    expect(failure(request({ headers }), 'urlToken', credential).status).toBe(401);
  });

  it('fails closed without a credential, and an empty configured token never matches ?token=', () => {
    expect(failure(request({ query: { token: TOKEN } }), 'urlToken', null).message).toBe('Invalid token');
    expect(failure(request({ query: { token: '' } }), 'urlToken', { token: '' }).status).toBe(401);
    expect(failure(request({ query: { token: 'x' } }), 'urlToken', { token: 42 }).status).toBe(401);
  });
});

describe('authenticate: bearer', () => {
  const credential = { token: TOKEN };

  it('accepts Authorization: Bearer <token>, scheme in any case', () => {
    expect(() =>
      authenticate(request({ headers: { authorization: `Bearer ${TOKEN}` } }), 'bearer', credential),
    ).not.toThrow();
    expect(() =>
      authenticate(request({ headers: { authorization: `bearer  ${TOKEN} ` } }), 'bearer', credential),
    ).not.toThrow();
    expect(() =>
      authenticate(request({ headers: { Authorization: `Bearer ${TOKEN}` } }), 'bearer', credential),
    ).not.toThrow();
  });

  it('rejects a wrong token with WWW-Authenticate: Bearer realm="hookline"', () => {
    const error = failure(request({ headers: { authorization: 'Bearer wh_wrong' } }), 'bearer', credential);
    expect([error.status, error.code, error.wwwAuthenticate]).toEqual([401, 'UNAUTHORIZED', BEARER_CHALLENGE]);
    expect(BEARER_CHALLENGE).toBe('Bearer realm="hookline"');
  });

  it('rejects a missing header, another scheme and an empty token with the challenge', () => {
    for (const authorization of [undefined, basic('u', TOKEN), 'Bearer', 'Bearer ', `Bearer${TOKEN}`]) {
      const error = failure(request({ headers: { authorization } }), 'bearer', credential);
      expect(error.wwwAuthenticate).toBe(BEARER_CHALLENGE);
      expect(error.message).toMatch(/^Missing bearer token/);
    }
  });

  it('does not accept the token from ?token=', () => {
    expect(failure(request({ query: { token: TOKEN } }), 'bearer', credential).status).toBe(401);
  });

  it('fails closed without a credential', () => {
    expect(failure(request({ headers: { authorization: `Bearer ${TOKEN}` } }), 'bearer', null).message).toBe(
      'Invalid bearer token',
    );
  });
});

describe('authenticate: basic', () => {
  const credential = { user: 'username', password: 'correct horse battery staple' };

  it('accepts the configured user and password, also with a colon in the password and UTF-8', () => {
    expect(() =>
      authenticate(
        request({ headers: { authorization: basic('username', credential.password) } }),
        'basic',
        credential,
      ),
    ).not.toThrow();
    const unicode = { user: 'zoë', password: 'pa:ss wörd ☕' };
    expect(() =>
      authenticate(request({ headers: { authorization: basic(unicode.user, unicode.password) } }), 'basic', unicode),
    ).not.toThrow();
  });

  it("accepts the seed's example header for username:password", () => {
    const seed = { user: 'username', password: 'password' };
    expect(() =>
      authenticate(request({ headers: { authorization: 'Basic dXNlcm5hbWU6cGFzc3dvcmQ=' } }), 'basic', seed),
    ).not.toThrow();
  });

  it('rejects a wrong password or user with WWW-Authenticate: Basic realm="hookline", charset="UTF-8"', () => {
    for (const authorization of [basic('username', 'wrong'), basic('other', credential.password)]) {
      const error = failure(request({ headers: { authorization } }), 'basic', credential);
      expect([error.status, error.message, error.wwwAuthenticate]).toEqual([
        401,
        'Invalid user or password',
        BASIC_CHALLENGE,
      ]);
    }
    expect(BASIC_CHALLENGE).toBe('Basic realm="hookline", charset="UTF-8"');
  });

  it('rejects a missing header, a Bearer header and a value without a colon', () => {
    const noColon = `Basic ${Buffer.from('usernamepassword').toString('base64')}`;
    for (const authorization of [undefined, `Bearer ${TOKEN}`, noColon]) {
      const error = failure(request({ headers: { authorization } }), 'basic', credential);
      expect(error.wwwAuthenticate).toBe(BASIC_CHALLENGE);
    }
  });

  it('fails closed without a credential or with an empty password configured', () => {
    expect(
      failure(request({ headers: { authorization: basic('username', '') } }), 'basic', {
        user: 'username',
        password: '',
      }).status,
    ).toBe(401);
    expect(failure(request({ headers: { authorization: basic('username', 'x') } }), 'basic', null).status).toBe(401);
  });
});

describe('authenticate: none and unknown methods', () => {
  it('none accepts anything without a credential', () => {
    expect(() => authenticate(request(), 'none', null)).not.toThrow();
  });

  it('an unknown method is refused, never treated as none', () => {
    expect(failure(request(), 'jwt' as AuthMethod, { token: TOKEN }).status).toBe(401);
  });
});

describe('constant-time comparison', () => {
  it('compares secrets of different lengths without throwing', () => {
    expect(secretsEqual(TOKEN, TOKEN)).toBe(true);
    for (const other of ['', 'w', TOKEN.slice(0, -1), `${TOKEN}0`, TOKEN.repeat(50), 'wh_☕☕☕']) {
      expect(secretsEqual(TOKEN, other)).toBe(false);
    }
  });

  it('answers a wrong token of any length with 401, never a RangeError', () => {
    for (const token of ['a', TOKEN.slice(0, -1), TOKEN.repeat(100), 'wh_ünïcødé']) {
      expect(failure(request({ query: { token } }), 'urlToken', { token: TOKEN }).status).toBe(401);
      expect(
        failure(request({ headers: { authorization: `Bearer ${token}` } }), 'bearer', { token: TOKEN }).status,
      ).toBe(401);
    }
  });
});

describe('authKey', () => {
  it('is stable per credential, differs between credentials and never contains the secret', () => {
    const key = authKey('bearer', { token: TOKEN });
    expect(key).toMatch(/^bearer:[0-9a-f]{16}$/);
    expect(authKey('bearer', { token: TOKEN })).toBe(key);
    expect(authKey('bearer', { token: `${TOKEN}x` })).not.toBe(key);
    expect(key).not.toContain(TOKEN);
    expect(authKey('urlToken', { token: TOKEN })).toMatch(/^urlToken:/);
  });

  it('keys Basic callers by user name', () => {
    const key = authKey('basic', { user: 'alice', password: 'one' });
    expect(authKey('basic', { user: 'alice', password: 'two' })).toBe(key);
    expect(authKey('basic', { user: 'bob', password: 'one' })).not.toBe(key);
  });

  it('is "none" for an open trigger', () => {
    expect(authKey('none', null)).toBe('none');
  });
});

describe('WebhookAuthError and the rejection shape', () => {
  it('uses codes and statuses from the engine registry', () => {
    const cases = [
      new WebhookAuthError(401, 'UNAUTHORIZED', 'x'),
      new WebhookAuthError(403, 'FORBIDDEN', 'x'),
      new WebhookAuthError(401, 'INVALID_SIGNATURE', 'x'),
    ];
    for (const error of cases) expect(ERROR_CODES[error.code].status).toBe(error.status);
    expect(ERROR_CODES.INVALID_INPUT.status).toBe(400);
    expect(ERROR_CODES.INVALID_CONFIG.status).toBe(500);
  });

  it("becomes the seed's error body with the challenge as a header", () => {
    const rejection = rejectionFromAuthError(
      new WebhookAuthError(401, 'UNAUTHORIZED', 'Invalid bearer token', { wwwAuthenticate: BEARER_CHALLENGE }),
    );
    expect(rejection.headers).toEqual({ 'WWW-Authenticate': BEARER_CHALLENGE });
    expect(rejectionBody(rejection)).toEqual({
      success: false,
      error: { code: 'UNAUTHORIZED', message: 'Invalid bearer token' },
    });
  });
});
