/**
 * `compileRules`: everything about a subscription's rules is parsed, validated and compiled here,
 * once, when the subscription is saved. `matches` and `project` then only run closures.
 */
import { translateConditions } from './conditions.js';
import { compileLogic, type Evaluator } from './evaluator.js';
import { meter, startMeter } from './evaluator-ops.js';
import { createPatternIndex, type FilterEntry, filtersToLogic, parseFilters, validatePattern } from './filters.js';
import { truthy } from './json-logic.js';
import { indexField, RULE_LIMITS, ruleError } from './limits.js';
import { compileProjection, parseFieldList } from './projection.js';
import type { CompiledRules, JsonLogic, RuleEvent, RuleInput, RuleVerdict } from './types.js';

/**
 * Compiles a subscription's `conditions`, `filters`, `include_fields` and `events`.
 *
 * - `conditions`: JSON-logic, seed shorthand or Mongo-style (see `toJsonLogic`). Paths read the
 *   event's `data`; paths starting with `$event` read the envelope (`$event.type`, `$event.id`,
 *   `$event.timestamp`, `$event.metadata.*`).
 * - `filters`: per-event-type conditions; only the most specific key matching the event's type
 *   applies, and a type without a key passes. `filters.include_fields` is a projection.
 * - `include_fields` (plus `filters.include_fields`): the projection `project` applies.
 * - `events`: when non-empty, events of other types never match.
 *
 * `matches` is false, never an exception, when evaluation fails on odd data or runs over the
 * work budget ({@link RULE_LIMITS.maxSteps}); `verdict` tells the two apart.
 *
 * @throws HooklineError INVALID_INPUT with `details.field` naming the bad path, e.g.
 *   `conditions.satisfaction_score.lt` or `filters["function.executed"].function.id`.
 */
export function compileRules(input: RuleInput): CompiledRules {
  if (input === null || typeof input !== 'object') {
    throw ruleError('rules', 'expected an object with conditions, filters or include_fields', 'object', input);
  }
  const conditions = translateConditions(input.conditions, 'conditions');
  const filters = parseFilters(input.filters, 'filters');
  const includeFields = collectIncludeFields(input.include_fields, filters.includeFields);
  const subscribed = compileEventGate(input.events);
  const conditionsOnly = conditions === null ? null : compileLogic(conditions);
  // Without filters no per-type lookup is needed, which is the common case on the hot path.
  const select = filters.entries.length === 0 ? null : compileSelector(conditions, conditionsOnly, filters.entries);
  const projector = includeFields === null ? null : compileProjection(includeFields);
  const filterFor =
    filters.entries.length === 0 ? null : createPatternIndex(filters.entries.map((e) => [e.pattern, e]));

  const verdict = (event: RuleEvent): RuleVerdict => {
    if (subscribed !== null && !subscribed(event.type)) return 'no-match';
    const evaluate = select === null ? conditionsOnly : select(event.type);
    if (evaluate === null) return 'match'; // nothing to check: no logic is evaluated at all
    startMeter();
    try {
      return truthy(evaluate(event.data, event)) ? 'match' : 'no-match';
    } catch {
      return meter.exceeded ? 'over-budget' : 'no-match';
    }
  };

  return Object.freeze({
    logic: allOf(conditions, filtersToLogic(filters.entries)),
    includeFields,
    unconditional: subscribed === null && conditions === null && filters.entries.every((entry) => entry.logic === null),
    verdict,
    logicFor(type: string): JsonLogic | null | false {
      if (subscribed !== null && !subscribed(type)) return false;
      const entry = filterFor?.(type);
      return entry === undefined ? conditions : allOf(conditions, entry.logic);
    },
    matches: (event: RuleEvent): boolean => verdict(event) === 'match',
    project<T>(data: T): T | Record<string, unknown> {
      return projector === null ? data : (projector(data) as Record<string, unknown>);
    },
  });
}

/** Steps the last evaluation took (see {@link RULE_LIMITS.maxSteps}); never more than the budget. */
export function lastEvaluationSteps(): number {
  return meter.steps;
}

function allOf(a: JsonLogic | null, b: JsonLogic | null): JsonLogic | null {
  if (a === null || b === null) return a ?? b;
  return Object.freeze({ and: Object.freeze([a, b]) });
}

/**
 * Picks, per event type, the one evaluator to run: conditions AND the type's filter, compiled
 * together up front. `null` means "matches" without evaluating anything.
 */
function compileSelector(
  conditions: JsonLogic | null,
  base: Evaluator | null,
  entries: readonly FilterEntry[],
): (type: string) => Evaluator | null {
  const index = createPatternIndex(
    entries.map((entry) => {
      const combined = entry.logic === null ? base : compileLogic(allOf(conditions, entry.logic));
      return [entry.pattern, combined] as const;
    }),
  );
  return (type) => {
    const evaluate = index(type);
    return evaluate === undefined ? base : evaluate;
  };
}

function collectIncludeFields(topLevel: unknown, fromFilters: readonly string[]): readonly string[] | null {
  const own = topLevel === undefined || topLevel === null ? [] : parseFieldList(topLevel, 'include_fields');
  const all = [...new Set([...own, ...fromFilters])];
  return all.length > 0 ? Object.freeze(all) : null;
}

/** The `events` list as a type test; `null` when it does not restrict (absent, empty or `*`). */
function compileEventGate(events: unknown): ((type: string) => boolean) | null {
  if (events === undefined || events === null) return null;
  if (!Array.isArray(events)) throw ruleError('events', 'expected a list of event types', 'array of strings', events);
  if (events.length > RULE_LIMITS.maxNodes) {
    throw ruleError(
      'events',
      `more than ${RULE_LIMITS.maxNodes} event types`,
      `at most ${RULE_LIMITS.maxNodes} event types`,
      'longer list',
    );
  }
  const patterns = events.map((pattern: unknown, i) => validatePattern(pattern, indexField('events', i)));
  if (patterns.length === 0 || patterns.includes('*')) return null;
  const index = createPatternIndex(patterns.map((pattern) => [pattern, true] as const));
  return (type) => index(type) === true;
}
