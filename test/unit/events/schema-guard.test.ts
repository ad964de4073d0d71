/**
 * A publisher's schema is hostile input: whatever it holds, compiling it either gives a validator
 * or an INVALID_INPUT naming the problem (never another error), and a validator it gives answers
 * on any data without blowing up its cost.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isHooklineError } from '../../../engine/errors.js';
import { compilePublisherSchema, SCHEMA_LIMITS } from '../../../engine/events/schema-guard.js';
import { hostileSchema, schemaWithOneHostilePart } from '../../fixtures/hostile-schemas.js';

function outcome(schema: unknown): 'compiled' | string {
  try {
    compilePublisherSchema(schema);
    return 'compiled';
  } catch (error) {
    if (!isHooklineError(error)) throw error;
    expect(error.code).toBe('INVALID_INPUT');
    expect(String(error.details?.field)).toMatch(/^schema/);
    return error.message;
  }
}

describe('compilePublisherSchema', () => {
  it('compiles a real schema with local references, formats and linear patterns', () => {
    const validate = compilePublisherSchema({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      required: ['email'],
      properties: {
        email: { type: 'string', format: 'email' },
        tags: { type: 'array', items: { $ref: '#/$defs/tag' }, uniqueItems: true, maxItems: 20 },
      },
      patternProperties: { '^x-[a-z]+$': { type: 'string' } },
      $defs: { tag: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' } },
    });
    expect(validate({ email: 'ada@example.com', tags: ['a', 'b-2'], 'x-note': 'n' })).toBe(true);
    expect(validate({ email: 'ada@example.com', tags: ['A'] })).toBe(false);
    expect(validate({ email: 'ada@example.com', 'x-note': 1 })).toBe(false);
  });

  it.each([
    [null, /must be a JSON Schema object/],
    [[], /must be a JSON Schema object/],
    [{ $ref: 'https://evil.example/s.json' }, /remote references are never fetched/],
    [{ $ref: '#/$defs/missing' }, /not in this schema/],
    [{ $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } }, $ref: '#/$defs/a' }, /recursive/],
    [{ properties: { a: { $ref: '#' } } }, /recursive/],
    [{ $id: 'x' }, /\$id/],
    [{ type: 'object', $data: true }, /\$data/],
    [{ type: 'array', uniqueItems: true, maxItems: 100_000 }, /maxItems/],
    [{ type: 'string', pattern: '(a)\\1' }, /pattern outside the supported subset/],
    [{ type: 'string', format: 'no-such-format' }, /unknown format/],
    [{ type: 'nope' }, /not a valid JSON Schema/],
    [{ properties: { a: { minimum: '1' } } }, /not a valid JSON Schema/],
  ])('refuses %j', (schema, why) => {
    expect(outcome(schema)).toMatch(why);
  });

  it('refuses a schema that references a definition exponentially often', () => {
    const $defs: Record<string, unknown> = { d0: { type: 'string' } };
    for (let i = 1; i <= 20; i++)
      $defs[`d${i}`] = { anyOf: [{ $ref: `#/$defs/d${i - 1}` }, { $ref: `#/$defs/d${i - 1}` }] };
    expect(outcome({ $defs, $ref: '#/$defs/d20' })).toMatch(`more than ${SCHEMA_LIMITS.maxExpandedNodes} subschemas`);
  });

  it('refuses a schema larger than the limit', () => {
    const properties = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`field_${i}`, { type: 'string' }]));
    expect(outcome({ type: 'object', properties })).toMatch(/larger than|more than/);
  });

  it('answers every generated hostile schema with a validator or INVALID_INPUT, and validators stay cheap', () => {
    fc.assert(
      fc.property(fc.oneof(hostileSchema, schemaWithOneHostilePart), fc.jsonValue({ maxDepth: 4 }), (schema, data) => {
        let validate;
        try {
          validate = compilePublisherSchema(schema);
        } catch (error) {
          if (!isHooklineError(error) || error.code !== 'INVALID_INPUT') throw error;
          return;
        }
        validate(data);
        validate({ a: 'a'.repeat(5_000) + '!', b: Array.from({ length: 500 }, () => ({ a: 1 })) });
      }),
      { numRuns: 1500 },
    );
  });
});
