import { describe, expect, it } from 'vitest';
import { compileProjection, compileRules } from '../../../engine/rules/index.js';

const data = {
  workflow_id: 'wf_1',
  status: 'completed',
  output_data: { order_id: 'o_1', total: 10, customer: { email: 'a@b.c', name: 'Ann' } },
  steps: [{ name: 'fetch', duration_ms: 3 }, { name: 'send', duration_ms: 4, error: null }, 'marker'],
  credits_used: 0,
};

describe('include_fields projection', () => {
  it('keeps nested paths with their structure', () => {
    const project = compileProjection(['workflow_id', 'output_data.order_id', 'output_data.customer.email']);
    expect(project(data)).toEqual({
      workflow_id: 'wf_1',
      output_data: { order_id: 'o_1', customer: { email: 'a@b.c' } },
    });
  });

  it('applies a path through an array to each element', () => {
    const project = compileProjection(['steps.name']);
    expect(project(data)).toEqual({ steps: [{ name: 'fetch' }, { name: 'send' }] });
  });

  it('skips missing paths and leaves no empty objects behind', () => {
    const project = compileProjection(['status', 'nope', 'output_data.nope', 'status.deeper']);
    expect(project(data)).toEqual({ status: 'completed' });
  });

  it('keeps falsy values that are present', () => {
    expect(compileProjection(['credits_used', 'steps.error'])(data)).toEqual({
      credits_used: 0,
      steps: [{}, { error: null }],
    });
  });

  it('lets a shorter path win over a longer one', () => {
    expect(compileProjection(['output_data.customer', 'output_data.customer.email'])(data)).toEqual({
      output_data: { customer: { email: 'a@b.c', name: 'Ann' } },
    });
  });

  it('projects each element when data itself is an array, and non-objects to {}', () => {
    const project = compileProjection(['a']);
    expect(project([{ a: 1, b: 2 }, { b: 3 }])).toEqual([{ a: 1 }, {}]);
    expect(project('text')).toEqual({});
  });

  it('does not read inherited properties', () => {
    const project = compileProjection(['toString', 'a']);
    expect(project({ a: 1 })).toEqual({ a: 1 });
  });

  it('does not change the input', () => {
    const input = structuredClone(data);
    compileProjection(['steps.name'])(input);
    expect(input).toEqual(data);
  });

  it('is the identity for rules without include_fields', () => {
    expect(compileRules({ conditions: { a: 1 } }).project(data)).toBe(data);
  });

  it('trims through compileRules', () => {
    const rules = compileRules({ include_fields: ['output_data.order_id'] });
    expect(rules.includeFields).toEqual(['output_data.order_id']);
    expect(rules.project(data)).toEqual({ output_data: { order_id: 'o_1' } });
  });
});
