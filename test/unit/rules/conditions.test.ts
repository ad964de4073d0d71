import { describe, expect, it } from 'vitest';
import { compileRules, toJsonLogic } from '../../../engine/rules/index.js';
import { conversation, makeEvent } from './helpers.js';

const completed = (data: unknown) => makeEvent('agent.conversation.completed', data);
const matches = (conditions: unknown, data: unknown) => compileRules({ conditions }).matches(completed(data));

describe('shorthand conditions', () => {
  const seedConditions = { satisfaction_score: { lt: 3 }, message_count: { gt: 10 } };

  it('does not match the seed payload with a good score and few messages', () => {
    expect(matches(seedConditions, conversation())).toBe(false);
  });

  it('matches when the score is low and there are many messages', () => {
    expect(matches(seedConditions, conversation({ satisfaction_score: 2, message_count: 12 }))).toBe(true);
  });

  it('ANDs all keys: one failing key is enough to not match', () => {
    expect(matches(seedConditions, conversation({ satisfaction_score: 2, message_count: 8 }))).toBe(false);
  });

  it('translates to plain JSON-logic with var paths', () => {
    expect(toJsonLogic(seedConditions)).toEqual({
      and: [{ '<': [{ var: 'satisfaction_score' }, 3] }, { '>': [{ var: 'message_count' }, 10] }],
    });
  });

  it('reads dot-path keys into nested data', () => {
    expect(matches({ 'resolution.type': { eq: 'solved' } }, conversation())).toBe(true);
    expect(matches({ 'resolution.type': { eq: 'escalated' } }, conversation())).toBe(false);
  });

  it('supports eq, ne, neq, gte, lte, in, nin, contains, startsWith, endsWith and exists', () => {
    const data = conversation();
    expect(matches({ agent_id: { eq: 'agent_456' } }, data)).toBe(true);
    expect(matches({ agent_id: { ne: 'agent_456' } }, data)).toBe(false);
    expect(matches({ agent_id: { neq: 'other' } }, data)).toBe(true);
    expect(matches({ message_count: { gte: 8, lte: 8 } }, data)).toBe(true);
    expect(matches({ agent_id: { in: ['agent_1', 'agent_456'] } }, data)).toBe(true);
    expect(matches({ agent_id: { nin: ['agent_1', 'agent_456'] } }, data)).toBe(false);
    expect(matches({ 'resolution.tags': { contains: 'account_access' } }, data)).toBe(true);
    expect(matches({ conversation_id: { contains: '12' } }, data)).toBe(true);
    expect(matches({ conversation_id: { startsWith: 'conv_' } }, data)).toBe(true);
    expect(matches({ conversation_id: { endsWith: '_999' } }, data)).toBe(false);
    expect(matches({ user_id: { exists: true } }, data)).toBe(true);
    expect(matches({ refund_id: { exists: false } }, data)).toBe(true);
  });

  it('treats a scalar as equality and an array as "one of"', () => {
    expect(matches({ agent_id: 'agent_456', message_count: [7, 8, 9] }, conversation())).toBe(true);
    expect(matches({ agent_id: 'agent_456', message_count: [1, 2] }, conversation())).toBe(false);
  });

  it('compares strictly: the string "8" does not equal the number 8', () => {
    expect(matches({ message_count: { eq: '8' } }, conversation())).toBe(false);
  });
});

describe('JSON-logic conditions', () => {
  const logic = { and: [{ '<': [{ var: 'satisfaction_score' }, 3] }, { '>': [{ var: 'message_count' }, 10] }] };

  it('passes real JSON-logic through unchanged', () => {
    expect(toJsonLogic(logic)).toEqual(logic);
    expect(compileRules({ conditions: logic }).logic).toEqual(logic);
  });

  it('evaluates real JSON-logic against event data', () => {
    expect(matches(logic, conversation({ satisfaction_score: 2, message_count: 12 }))).toBe(true);
    expect(matches(logic, conversation())).toBe(false);
  });

  it('accepts the custom operations inside JSON-logic', () => {
    const rule = { or: [{ startsWith: [{ var: 'agent_id' }, 'agent_'] }, { nin: [{ var: 'user_id' }, ['a']] }] };
    expect(matches(rule, conversation())).toBe(true);
  });

  it('evaluates array operations with each element as the scope', () => {
    const rule = { some: [{ var: 'resolution.tags' }, { '==': [{ var: '' }, 'password_reset'] }] };
    expect(matches(rule, conversation())).toBe(true);
  });
});

describe('Mongo-style conditions', () => {
  const data = conversation({ order: { total: 150, currency: 'EUR', items: ['a', 'b'] } });
  const cases: Array<[string, unknown, boolean]> = [
    ['$eq', { agent_id: { $eq: 'agent_456' } }, true],
    ['$ne', { agent_id: { $ne: 'agent_456' } }, false],
    ['$neq', { agent_id: { $neq: 'agent_1' } }, true],
    ['$gt', { 'order.total': { $gt: 100 } }, true],
    ['$gte', { 'order.total': { $gte: 151 } }, false],
    ['$lt', { 'order.total': { $lt: 151 } }, true],
    ['$lte', { 'order.total': { $lte: 149 } }, false],
    ['$in', { 'order.currency': { $in: ['USD', 'EUR'] } }, true],
    ['$nin', { 'order.currency': { $nin: ['USD', 'EUR'] } }, false],
    ['$startsWith', { conversation_id: { $startsWith: 'conv' } }, true],
    ['$endsWith', { conversation_id: { $endsWith: 'conv' } }, false],
    ['$exist', { order: { $exist: true } }, true],
    ['$exists', { 'order.discount': { $exists: true } }, false],
    ['$contains', { 'order.items': { $contains: 'b' } }, true],
  ];

  it.each(cases)('supports %s', (_name, conditions, expected) => {
    expect(matches(conditions, data)).toBe(expected);
  });

  it('reads nested objects without $ keys as nested paths', () => {
    expect(toJsonLogic({ order: { total: { $gt: 100 } } })).toEqual({ '>': [{ var: 'order.total' }, 100] });
    expect(matches({ order: { total: { $gt: 100 }, currency: 'EUR' } }, data)).toBe(true);
    expect(matches({ order: { total: { $gt: 200 } } }, data)).toBe(false);
  });

  it('supports $or', () => {
    const conditions = { $or: [{ satisfaction_score: { $lt: 3 } }, { message_count: { $gt: 5 } }] };
    expect(matches(conditions, data)).toBe(true);
    expect(matches(conditions, conversation({ message_count: 1 }))).toBe(false);
  });

  it('supports $and', () => {
    const conditions = { $and: [{ satisfaction_score: { $gt: 4 } }, { message_count: { $lt: 5 } }] };
    expect(matches(conditions, data)).toBe(false);
    expect(matches(conditions, conversation({ message_count: 1 }))).toBe(true);
  });

  it('supports $not over conditions and over a field operator', () => {
    expect(matches({ $not: { agent_id: 'agent_456' } }, data)).toBe(false);
    expect(matches({ 'order.total': { $not: { $gt: 200 } } }, data)).toBe(true);
  });

  it('supports logical operators under a nested path', () => {
    const conditions = { order: { $or: [{ total: { $lt: 10 } }, { currency: 'EUR' }] } };
    expect(toJsonLogic(conditions)).toEqual({
      or: [{ '<': [{ var: 'order.total' }, 10] }, { '===': [{ var: 'order.currency' }, 'EUR'] }],
    });
    expect(matches(conditions, data)).toBe(true);
  });
});

describe('missing fields', () => {
  it('never match an ordering comparison, in shorthand or JSON-logic', () => {
    expect(matches({ refund: { lt: 3 } }, conversation())).toBe(false);
    expect(matches({ refund: { $gte: 0 } }, conversation())).toBe(false);
    expect(matches({ '<': [{ var: 'refund' }, 3] }, conversation())).toBe(false);
    expect(matches({ 'a.b.c': { gt: 1 } }, conversation())).toBe(false);
  });

  it('do not match equality or list membership', () => {
    expect(matches({ refund: { eq: 0 } }, conversation())).toBe(false);
    expect(matches({ refund: ['x'] }, conversation())).toBe(false);
    expect(matches({ refund: { startsWith: 'x' } }, conversation())).toBe(false);
  });

  it('match negations, as in MongoDB', () => {
    expect(matches({ refund: { ne: 0 } }, conversation())).toBe(true);
    expect(matches({ refund: { $nin: ['x'] } }, conversation())).toBe(true);
  });

  it('do not throw when data is not an object', () => {
    expect(matches({ score: { lt: 3 } }, null)).toBe(false);
    expect(matches({ score: { lt: 3 } }, 'text')).toBe(false);
  });
});

describe('$event paths', () => {
  it('reach the envelope type through a shorthand key', () => {
    const rules = compileRules({ conditions: { '$event.type': { startsWith: 'agent.' } } });
    expect(rules.logic).toEqual({ startsWith: [{ var: '$event.type' }, 'agent.'] });
    expect(rules.matches(makeEvent('agent.conversation.completed', {}))).toBe(true);
    expect(rules.matches(makeEvent('workflow.execution.completed', {}))).toBe(false);
  });

  it('reach the envelope through JSON-logic var and nested $event keys', () => {
    const viaVar = compileRules({ conditions: { '==': [{ var: '$event.metadata.source' }, 'api'] } });
    expect(viaVar.matches(makeEvent('x.y', {}, { source: 'api' }))).toBe(true);
    expect(viaVar.matches(makeEvent('x.y', {}, { source: 'ui' }))).toBe(false);
    const nested = compileRules({ conditions: { $event: { id: { $startsWith: 'evt_' } } } });
    expect(nested.matches(makeEvent('x.y', {}))).toBe(true);
  });

  it('leave a data field named type alone', () => {
    const rules = compileRules({ conditions: { type: 'refund' } });
    expect(rules.matches(makeEvent('order.updated', { type: 'refund' }))).toBe(true);
  });
});
