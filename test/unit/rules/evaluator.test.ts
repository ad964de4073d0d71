import jsonLogic from 'json-logic-js';
import { describe, expect, it } from 'vitest';
import { compileRules, type RuleEvent } from '../../../engine/rules/index.js';
import { conversation, makeEvent } from './helpers.js';

const data = conversation({
  order: {
    total: 150,
    lines: [
      { sku: 'a', qty: 2 },
      { sku: 'b', qty: 0 },
    ],
  },
  note: '',
});
const event = makeEvent('agent.conversation.completed', data);

/** The stock evaluation of a stored rule: json-logic-js over data plus `$event`. */
function stockMatches(logic: unknown, target: RuleEvent): boolean {
  const scope = { ...(target.data as object), $event: target };
  return jsonLogic.truthy(jsonLogic.apply(logic as Parameters<typeof jsonLogic.apply>[0], scope));
}

/** Rules where Hookline's compiled evaluator and json-logic-js must agree. */
const parityRules: unknown[] = [
  { and: [{ '<': [{ var: 'satisfaction_score' }, 5] }, { '>': [{ var: 'message_count' }, 1] }] },
  { or: [{ '==': [{ var: 'message_count' }, '8'] }, false] },
  { '!==': [{ var: 'agent_id' }, 'agent_456'] },
  { '<': [1, { var: 'message_count' }, 10] },
  { '<=': [8, { var: 'message_count' }, 7] },
  { if: [{ var: 'note' }, false, { '>=': [{ var: 'order.total' }, 100] }, true, false] },
  { '!': { var: 'note' } },
  { '!!': [{ var: 'resolution.tags' }] },
  { in: ['reset', { var: 'resolution.tags.0' }] },
  { in: [{ var: 'resolution.type' }, ['solved', 'open']] },
  { some: [{ var: 'order.lines' }, { '>': [{ var: 'qty' }, 1] }] },
  { all: [{ var: 'order.lines' }, { '>': [{ var: 'qty' }, 1] }] },
  { none: [{ var: 'order.lines' }, { '==': [{ var: 'sku' }, 'z'] }] },
  { '==': [{ reduce: [{ var: 'order.lines' }, { '+': [{ var: 'current.qty' }, { var: 'accumulator' }] }, 0] }, 2] },
  { '==': [{ cat: [{ var: 'agent_id' }, '-', { var: 'user_id' }] }, 'agent_456-user_789'] },
  { '>': [{ '+': [{ var: 'message_count' }, { '*': [2, 3] }] }, 13] },
  { '==': [{ substr: [{ var: 'conversation_id' }, -3] }, '123'] },
  { '==': [{ max: [1, { var: 'message_count' }, 3] }, 8] },
  { '==': [{ missing: ['agent_id', 'refund', 'note'] }, { merge: [] }] },
  { '!': { missing_some: [1, ['refund', 'agent_id']] } },
  { '==': [{ var: ['refund', 'none'] }, 'none'] },
  { '===': [{ var: '$event.type' }, 'agent.conversation.completed'] },
  { '==': [{ var: { cat: ['resolution', '.', 'type'] } }, 'solved'] },
  { startsWith: [{ var: 'user_id' }, 'user'] },
  { nin: [{ var: 'agent_id' }, ['x', 'y']] },
  { contains: [{ var: 'resolution.tags' }, 'account_access'] },
  { exists: [{ var: 'order.total' }] },
];

describe('compiled evaluator', () => {
  it.each(parityRules.map((rule) => [JSON.stringify(rule), rule]))('agrees with json-logic-js on %s', (_name, rule) => {
    expect(compileRules({ conditions: rule }).matches(event)).toBe(stockMatches(rule, event));
  });

  it('registers the custom operations on json-logic-js for stored rules', () => {
    const rules = compileRules({
      conditions: { name: { startsWith: 'My' }, tags: { contains: 'x' }, id: { nin: [1] } },
    });
    const target = makeEvent('t.x', { name: 'My Fn', tags: ['x'], id: 2 });
    expect(stockMatches(rules.logic, target)).toBe(true);
    expect(rules.matches(target)).toBe(true);
  });

  it('treats a rule that fails on odd data as not matching instead of throwing', () => {
    const rules = compileRules({ conditions: { '==': [{ missing_some: [1, { var: 'x' }] }, []] } });
    expect(() => rules.matches(makeEvent('t.x', { x: 5 }))).not.toThrow();
  });

  it('does not read prototype paths computed at evaluation time', () => {
    const rules = compileRules({ conditions: { '!!': { var: { cat: ['construct', 'or'] } } } });
    expect(rules.matches(makeEvent('t.x', {}))).toBe(false);
  });

  it('compiles 10,000 rule sets and matches one event against all of them', () => {
    const all = Array.from({ length: 10_000 }, (_, i) => {
      switch (i % 4) {
        case 0:
          return compileRules({ conditions: { satisfaction_score: { lt: 3 }, message_count: { gt: i % 20 } } });
        case 1:
          return compileRules({
            conditions: { $or: [{ agent_id: `agent_${i}` }, { 'resolution.tags': { $contains: 'vip' } }] },
          });
        case 2:
          return compileRules({ filters: { 'agent.*': { resolution: { type: ['solved', 'open'] } } } });
        default:
          return compileRules({ events: ['workflow.*'] });
      }
    });
    const low = makeEvent('agent.conversation.completed', conversation({ satisfaction_score: 2, message_count: 12 }));
    const matched = all.filter((rules) => rules.matches(low)).length;
    // Case 0 matches when i % 20 < 12 (6 of every 10 such rules), case 2 always, cases 1 and 3 never.
    expect(matched).toBe(1_500 + 2_500);
  });
});
