import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exceedsJsonDepth, parseJsonBody } from '../../../engine/ingress/json-body.js';
import { isHooklineError } from '../../../engine/errors.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

/** The nesting depth of a parsed value, counted the way the scanner counts brackets. */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

describe('JSON depth limit', () => {
  it('counts arrays and objects, not brackets inside strings or after escapes', () => {
    expect(exceedsJsonDepth(bytes('[[1]]'), 2)).toBe(false);
    expect(exceedsJsonDepth(bytes('[[[1]]]'), 2)).toBe(true);
    expect(exceedsJsonDepth(bytes('{"a":{"b":{}}}'), 2)).toBe(true);
    expect(exceedsJsonDepth(bytes('["[[[[[", "\\"[[[[", {"k":"{{{{"}]'), 2)).toBe(false);
    expect(exceedsJsonDepth(bytes('["é[[[", "\\\\", [1]]'), 2)).toBe(false);
  });

  it('agrees with the depth of the parsed value for any JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 1, max: 8 }), (value, limit) => {
        expect(exceedsJsonDepth(bytes(JSON.stringify(value)), limit)).toBe(depthOf(value) > limit);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a body past the limit with INVALID_INPUT naming the limit, before parsing it', () => {
    const deep = bytes('['.repeat(100_000) + ']'.repeat(100_000));
    try {
      parseJsonBody(deep, { maxJsonDepth: 64 });
      expect.unreachable();
    } catch (error) {
      expect(isHooklineError(error) && error.code).toBe('INVALID_INPUT');
      expect((error as Error).message).toContain('64');
    }
  });

  it('refuses prototype keys however they are spelled, and keeps look-alikes', () => {
    for (const text of [
      '{"__proto__":{}}',
      '{"a":[{"\\u005f\\u005fproto__":1}]}',
      '{"constructor":{"prototype":{}}}',
    ]) {
      expect(() => parseJsonBody(bytes(text), { maxJsonDepth: 64 }), text).toThrow(/__proto__/);
    }
    expect(parseJsonBody(bytes('{"constructor":"x","proto":"\\u00e9"}'), { maxJsonDepth: 64 })).toEqual({
      constructor: 'x',
      proto: 'é',
    });
  });

  it('answers invalid JSON with MALFORMED_JSON', () => {
    expect(() => parseJsonBody(bytes('{"a":'), { maxJsonDepth: 64 })).toThrow(/not valid JSON/);
  });
});
