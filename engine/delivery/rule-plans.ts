/**
 * How the matcher decides each distinct rule for one event type, and the per-event memo that
 * decides each at most once. A rule that, for the type, ANDs free conditions (see
 * rules/conjunction.ts) becomes a list of condition ids shared by every rule: with 100,000
 * subscriptions the matcher then evaluates a few hundred distinct conditions per event instead of
 * a thousand rule trees scattered over the heap. Any other rule is evaluated whole, as before.
 */
import type { EventEnvelope } from '../events/envelope.js';
import {
  compileCondition,
  lastEvaluationSteps,
  splitConjunction,
  type CompiledRules,
  type RuleEvent,
} from '../rules/index.js';

/** Verdicts as the memo stores them (0: not decided yet). */
export const MATCH = 1;
export const NO_MATCH = 2;
export const OVER_BUDGET = 3;

/** Evaluate the rule whole (`verdict`). */
const WHOLE = 0;

/** A rule for one type: a verdict known without the event, {@link WHOLE}, or the conditions it ANDs. */
type RulePlan = typeof MATCH | typeof NO_MATCH | typeof WHOLE | Int32Array;

export interface RulePlanner {
  /** Plans the rules of these codes for an event type (a sparse list by code). */
  plan(type: string, codes: Iterable<number>): RulePlan[];
  /** The verdicts of one event, each rule and condition evaluated on first use. */
  verdicts(plans: readonly RulePlan[], event: EventEnvelope): Verdicts;
}

export interface Verdicts {
  /** {@link MATCH}, {@link NO_MATCH} or {@link OVER_BUDGET}. */
  of(code: number): number;
  /** The steps a rule stopped by its budget took. */
  steps(code: number): number;
}

/** `rules`: the distinct compiled rules, by code. */
export function createRulePlanner(rules: readonly CompiledRules[]): RulePlanner {
  const conditionIds = new Map<string, number>();
  const conditions: ((event: RuleEvent) => boolean)[] = [];
  const conditionId = (logic: object): number => {
    const key = JSON.stringify(logic);
    let id = conditionIds.get(key);
    if (id === undefined) {
      conditionIds.set(key, (id = conditions.length));
      conditions.push(compileCondition(logic as Record<string, unknown>));
    }
    return id;
  };
  const planOne = (rule: CompiledRules, type: string): RulePlan => {
    const logic = rule.logicFor(type);
    if (logic === false) return NO_MATCH;
    if (logic === null) return MATCH;
    const parts = splitConjunction(logic);
    return parts === null ? WHOLE : Int32Array.from(parts, conditionId);
  };

  return {
    plan(type, codes) {
      const plans: RulePlan[] = [];
      for (const code of codes) plans[code] ??= planOne(rules[code], type);
      return plans;
    },
    verdicts(plans, event) {
      const known = new Uint8Array(rules.length);
      const tested = new Uint8Array(conditions.length);
      const stepsOver = new Map<number, number>();
      const holds = (id: number): boolean => {
        if (tested[id] === 0) tested[id] = conditions[id](event) ? MATCH : NO_MATCH;
        return tested[id] === MATCH;
      };
      const decide = (code: number): number => {
        const plan = plans[code];
        if (typeof plan !== 'number') return plan.every(holds) ? MATCH : NO_MATCH;
        if (plan !== WHOLE) return plan;
        const verdict = rules[code].verdict(event);
        if (verdict === 'over-budget') stepsOver.set(code, lastEvaluationSteps());
        return verdict === 'match' ? MATCH : verdict === 'no-match' ? NO_MATCH : OVER_BUDGET;
      };
      return {
        of: (code) => (known[code] ||= decide(code)),
        steps: (code) => stepsOver.get(code) ?? 0,
      };
    },
  };
}
