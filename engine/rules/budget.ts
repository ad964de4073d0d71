/**
 * The save-time half of the rule work budget: the most work a rule can do per event when its
 * loops run over lists written in the rule itself (`{"all":[[1,2,3],…]}`), nested loops
 * multiplying. A rule whose worst case is over {@link RULE_LIMITS.maxSteps} is refused when it is
 * saved; loops over event data are only known at evaluation time, where the meter stops them.
 */
import { countNodes } from './evaluator-ops.js';
import { indexField, keyField, RULE_LIMITS, ruleError } from './limits.js';

/** Operations that run their second argument once per element of their first. */
const LOOPS = new Set(['all', 'some', 'none', 'map', 'filter', 'reduce']);

/** What an expression costs at most, and its length when it is a list of known length. */
interface Estimate {
  readonly steps: number;
  readonly length: number | null;
}

const SCALAR: Estimate = { steps: 0, length: null };

/**
 * @throws HooklineError INVALID_INPUT naming the innermost operation whose worst case is over the
 *   budget, e.g. `conditions.all[1].all`.
 */
export function checkWorstCase(logic: unknown, field: string): void {
  estimate(logic, field);
}

function estimate(logic: unknown, field: string): Estimate {
  if (Array.isArray(logic)) {
    const items = logic.map((item, i) => estimate(item, indexField(field, i)));
    return { steps: logic.length + sum(items.map((item) => item.steps)), length: logic.length };
  }
  if (logic === null || typeof logic !== 'object') return SCALAR;
  const keys = Object.keys(logic);
  if (keys.length !== 1) return SCALAR;
  const op = keys[0];
  const at = keyField(field, op);
  const raw = (logic as Record<string, unknown>)[op];
  const args = Array.isArray(raw) ? raw : [raw];
  const parts = args.map((arg, i) => estimate(arg, Array.isArray(raw) ? indexField(at, i) : at));
  let steps = sum(parts.map((part) => part.steps));
  let length: number | null = null;
  if (LOOPS.has(op) && args.length >= 2) {
    const times = parts[0].length ?? 0;
    steps = saturate(steps + times * (1 + countNodes(args[1]) + parts[1].steps));
    if (op === 'map' || op === 'filter') length = parts[0].length;
  } else if (op === 'merge') {
    const lengths = parts.map((part, i) => part.length ?? (args[i] !== null && typeof args[i] === 'object' ? null : 1));
    if (lengths.every((n) => n !== null)) length = sum(lengths as number[]);
    steps = saturate(steps + 1 + (length ?? 0));
  }
  if (steps > RULE_LIMITS.maxSteps) {
    throw ruleError(
      at,
      `over lists written in the rule, '${op}' can take ${steps >= Number.MAX_SAFE_INTEGER ? 'too many' : steps} steps per event, more than the budget of ${RULE_LIMITS.maxSteps}`,
      `at most ${RULE_LIMITS.maxSteps} steps`,
      `${op} over literal lists`,
    );
  }
  return { steps, length };
}

function sum(values: readonly number[]): number {
  return saturate(values.reduce((total, value) => total + value, 0));
}

function saturate(value: number): number {
  return Math.min(value, Number.MAX_SAFE_INTEGER);
}
