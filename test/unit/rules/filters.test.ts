import { describe, expect, it } from 'vitest';
import { compileRules, matchesEventPattern } from '../../../engine/rules/index.js';
import { functionExecuted, makeEvent } from './helpers.js';

/** The seed's filter (seed 000): id list, name prefix, status list. */
const seedFilters = {
  'function.executed': {
    function: { id: ['func-123', 'func-456'], name: { startsWith: 'My' } },
    execution: { status: ['success'] },
  },
};

const executed = (data: unknown) => makeEvent('function.executed', data);

describe('per-event-type filters', () => {
  const rules = compileRules({ events: ['function.executed', 'workflow.*'], filters: seedFilters });

  it('matches the seed payload, whose function is data itself', () => {
    expect(rules.matches(executed(functionExecuted()))).toBe(true);
  });

  it('matches a payload that nests the function under data.function', () => {
    const data = { function: { id: 'func-456', name: 'My Other' }, execution: { status: 'success' } };
    expect(rules.matches(executed(data))).toBe(true);
  });

  it('does not match an id outside the list', () => {
    expect(rules.matches(executed(functionExecuted({ id: 'func-999' })))).toBe(false);
  });

  it('does not match a name with another prefix', () => {
    expect(rules.matches(executed(functionExecuted({ name: 'Their Function' })))).toBe(false);
  });

  it('does not match a status outside the list', () => {
    const data = functionExecuted({ execution: { status: 'error' } });
    expect(rules.matches(executed(data))).toBe(false);
  });

  it('lets events of a type without a filter through', () => {
    expect(rules.matches(makeEvent('workflow.execution.completed', { id: 'func-999' }))).toBe(true);
  });

  it('never matches a type outside the subscribed events', () => {
    expect(rules.matches(makeEvent('agent.conversation.completed', {}))).toBe(false);
  });

  it('shows the filter back as one JSON-logic expression keyed on $event.type', () => {
    expect(rules.logic).toEqual({
      if: [
        { '===': [{ var: '$event.type' }, 'function.executed'] },
        {
          and: [
            { in: [{ var: ['function.id', { var: 'id' }] }, ['func-123', 'func-456']] },
            { startsWith: [{ var: ['function.name', { var: 'name' }] }, 'My'] },
            { in: [{ var: 'execution.status' }, ['success']] },
          ],
        },
        true,
      ],
    });
  });

  it('ANDs the filter with the conditions', () => {
    const combined = compileRules({ filters: seedFilters, conditions: { 'execution.input.name': 'John' } });
    expect(combined.matches(executed(functionExecuted()))).toBe(true);
    const other = compileRules({ filters: seedFilters, conditions: { 'execution.input.name': 'Jane' } });
    expect(other.matches(executed(functionExecuted()))).toBe(false);
  });
});

describe('group-wildcard filter keys', () => {
  const rules = compileRules({
    filters: {
      'workflow.*': { status: 'failed' },
      'workflow.execution.started': {},
      '*': { env: 'prod' },
    },
  });

  it('apply a group key to every type in the group', () => {
    expect(rules.matches(makeEvent('workflow.execution.completed', { status: 'failed' }))).toBe(true);
    expect(rules.matches(makeEvent('workflow.execution.completed', { status: 'ok' }))).toBe(false);
  });

  it('prefer an exact key over a group key', () => {
    expect(rules.matches(makeEvent('workflow.execution.started', { status: 'ok' }))).toBe(true);
  });

  it('fall back to the * key for other types', () => {
    expect(rules.matches(makeEvent('agent.completed', { env: 'prod' }))).toBe(true);
    expect(rules.matches(makeEvent('agent.completed', { env: 'dev' }))).toBe(false);
  });

  it('show the most specific branch first', () => {
    const branches = (rules.logic as { if: unknown[] }).if;
    expect(branches[0]).toEqual({ '===': [{ var: '$event.type' }, 'workflow.execution.started'] });
    expect(branches[2]).toEqual({ startsWith: [{ var: '$event.type' }, 'workflow.'] });
    expect(branches[4]).toEqual({ '===': [{ var: 'env' }, 'prod'] });
  });
});

describe('filters.include_fields', () => {
  it('is a projection, not a filter', () => {
    const rules = compileRules({
      events: ['workflow.execution.completed'],
      filters: { include_fields: ['workflow_id', 'status', 'output_data.order_id', 'credits_used'] },
    });
    const data = { workflow_id: 'wf_1', status: 'completed', output_data: { order_id: 'o_1', secret: 's' }, logs: [] };
    expect(rules.logic).toBeNull();
    expect(rules.matches(makeEvent('workflow.execution.completed', data))).toBe(true);
    expect(rules.includeFields).toEqual(['workflow_id', 'status', 'output_data.order_id', 'credits_used']);
    expect(rules.project(data)).toEqual({ workflow_id: 'wf_1', status: 'completed', output_data: { order_id: 'o_1' } });
  });

  it('is merged with top-level include_fields', () => {
    const rules = compileRules({ include_fields: ['a', 'b'], filters: { include_fields: ['b', 'c'] } });
    expect(rules.includeFields).toEqual(['a', 'b', 'c']);
  });
});

describe('rules without conditions or filters', () => {
  it('match every event and keep data as is', () => {
    const rules = compileRules({});
    const data = { a: 1 };
    expect(rules.logic).toBeNull();
    expect(rules.includeFields).toBeNull();
    expect(rules.matches(makeEvent('anything', data))).toBe(true);
    expect(rules.project(data)).toBe(data);
  });

  it('treat empty conditions and empty events as no restriction', () => {
    const rules = compileRules({ conditions: {}, events: [], filters: {} });
    expect(rules.logic).toBeNull();
    expect(rules.matches(makeEvent('anything', null))).toBe(true);
  });
});

describe('matchesEventPattern', () => {
  it('matches * against every type', () => {
    expect(matchesEventPattern('*', 'workflow.execution.completed')).toBe(true);
  });

  it('matches a group pattern against types in the group at any depth', () => {
    expect(matchesEventPattern('workflow.*', 'workflow.execution.completed')).toBe(true);
    expect(matchesEventPattern('workflow.*', 'workflow.started')).toBe(true);
  });

  it('does not match a group pattern against its bare name or a longer name', () => {
    expect(matchesEventPattern('workflow.*', 'workflow')).toBe(false);
    expect(matchesEventPattern('workflow.*', 'workflows.started')).toBe(false);
  });

  it('matches other patterns exactly', () => {
    expect(matchesEventPattern('function.executed', 'function.executed')).toBe(true);
    expect(matchesEventPattern('function.executed', 'function.executed.v2')).toBe(false);
  });
});
