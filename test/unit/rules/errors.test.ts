import { describe, expect, it } from 'vitest';
import { HooklineError } from '../../../engine/errors.js';
import {
  compileProjection,
  compileRules,
  RULE_LIMITS,
  toJsonLogic,
  type RuleInput,
} from '../../../engine/rules/index.js';

/** Compiles and returns the INVALID_INPUT error's details, failing if nothing is thrown. */
function rejection(input: RuleInput): Record<string, unknown> {
  try {
    compileRules(input);
  } catch (error) {
    expect(error).toBeInstanceOf(HooklineError);
    const hooklineError = error as HooklineError;
    expect(hooklineError.code).toBe('INVALID_INPUT');
    expect(hooklineError.status).toBe(400);
    expect(hooklineError.message).toContain(String(hooklineError.details?.field));
    return hooklineError.details ?? {};
  }
  throw new Error('expected compileRules to throw');
}

function nest(depth: number): Record<string, unknown> {
  let rule: Record<string, unknown> = { leaf: { $eq: 1 } };
  for (let i = 0; i < depth; i++) rule = { $not: rule };
  return rule;
}

describe('invalid rules', () => {
  it('reject an unknown Mongo operator, naming its path', () => {
    expect(rejection({ conditions: { x: { $foo: 1 } } })).toMatchObject({
      field: 'conditions.x.$foo',
      received: '"$foo"',
    });
  });

  it('reject an unknown operator next to known ones', () => {
    expect(rejection({ conditions: { order: { total: { $gt: 1, $between: [1, 2] } } } }).field).toBe(
      'conditions.order.total.$between',
    );
  });

  it('reject an unknown JSON-logic operator inside real JSON-logic', () => {
    expect(rejection({ conditions: { and: [{ '==': [1, 1] }, { regex: ['a', 'b'] }] } }).field).toBe(
      'conditions.and[1].regex',
    );
  });

  it('reject the log operator inside JSON-logic, which would write to the console per event', () => {
    expect(rejection({ conditions: { and: [{ log: 'x' }] } }).field).toBe('conditions.and[0].log');
  });

  it('reject non-object conditions', () => {
    for (const conditions of ['score < 3', 42, true, [{ a: 1 }]]) {
      expect(rejection({ conditions }).field).toBe('conditions');
    }
    expect(() => toJsonLogic(null)).toThrow(HooklineError);
  });

  it('reject a bad operand with the operator path', () => {
    expect(rejection({ conditions: { satisfaction_score: { lt: 'low', gt: {} } } }).field).toBe(
      'conditions.satisfaction_score.gt',
    );
    expect(rejection({ conditions: { status: { in: 'success' } } })).toMatchObject({
      field: 'conditions.status.in',
      expected: 'array',
    });
    expect(rejection({ conditions: { status: { $in: ['a', { b: 1 }] } } }).field).toBe('conditions.status.$in[1]');
    expect(rejection({ conditions: { name: { startsWith: 3 } } }).field).toBe('conditions.name.startsWith');
    expect(rejection({ conditions: { name: { exists: 'yes' } } }).field).toBe('conditions.name.exists');
  });

  it('reject operators mixed with nested fields, empty objects and empty logical lists', () => {
    expect(rejection({ conditions: { order: { $gt: 1, total: 2 } } }).field).toBe('conditions.order.total');
    expect(rejection({ conditions: { order: {} } }).field).toBe('conditions.order');
    expect(rejection({ conditions: { $or: [] } }).field).toBe('conditions.$or');
  });

  it('reject an operator that is not applied to a field', () => {
    expect(rejection({ conditions: { $gt: 1 } }).field).toBe('conditions.$gt');
  });

  it('reject prototype paths and empty path segments', () => {
    expect(rejection({ conditions: { '__proto__.polluted': 1 } as never }).field).toBe('conditions.__proto__.polluted');
    expect(rejection({ conditions: { 'a..b': 1 } }).field).toBe('conditions.a..b');
    expect(rejection({ conditions: { '==': [{ var: 'constructor.name' }, 'Object'] } }).field).toBe(
      'conditions.==[0].var',
    );
    expect(rejection({ include_fields: ['ok', 'a.__proto__'] }).field).toBe('include_fields[1]');
  });

  it('reject a rule nested deeper than the limit', () => {
    const details = rejection({ conditions: nest(RULE_LIMITS.maxDepth + 5) });
    expect(details.field).toMatch(/^conditions(\.\$not)+/);
    expect(details.expected).toBe(`at most ${RULE_LIMITS.maxDepth} levels`);
  });

  it('accept a rule just under the depth limit', () => {
    expect(() => compileRules({ conditions: nest(RULE_LIMITS.maxDepth - 4) })).not.toThrow();
  });

  it('reject a rule with too many values', () => {
    const ids = Array.from({ length: RULE_LIMITS.maxNodes + 1 }, (_, i) => `id-${i}`);
    expect(rejection({ conditions: { id: { $in: ids } } }).expected).toBe(`at most ${RULE_LIMITS.maxNodes} values`);
  });

  it('reject a cyclic rule built in code', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(rejection({ conditions: cyclic }).expected).toBe(`at most ${RULE_LIMITS.maxDepth} levels`);
  });

  it('reject bad filters with the event type quoted in the path', () => {
    expect(rejection({ filters: { 'function.executed': { function: { id: { $foo: 1 } } } } }).field).toBe(
      'filters["function.executed"].function.id.$foo',
    );
    expect(rejection({ filters: { 'function.executed': ['a'] } }).field).toBe('filters["function.executed"]');
    expect(rejection({ filters: { 'work*flow': {} } }).field).toBe('filters["work*flow"]');
    expect(rejection({ filters: 'status=ok' }).field).toBe('filters');
  });

  it('reject bad include_fields and events', () => {
    expect(rejection({ include_fields: 'a,b' }).field).toBe('include_fields');
    expect(rejection({ include_fields: ['a', ''] }).field).toBe('include_fields[1]');
    expect(rejection({ include_fields: ['$event.id'] }).field).toBe('include_fields[0]');
    expect(rejection({ filters: { include_fields: ['a', 3] } }).field).toBe('filters.include_fields[1]');
    expect(rejection({ events: ['ok.*', 'bad*'] }).field).toBe('events[1]');
    expect(() => compileProjection(['a', 7 as unknown as string])).toThrow(HooklineError);
  });
});
