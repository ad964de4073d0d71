/**
 * Splits a rule into the conditions it ANDs, so that a matcher holding thousands of rules can
 * evaluate each distinct condition once per event and share the answer: 100,000 subscriptions
 * made from templates hold a few hundred distinct `amount > N` or `tier in [...]` tests between
 * them. A rule is only split when every part is *free*: an operation that never charges the work
 * budget (literal paths, comparisons, `in` a literal list, ...). Evaluated apart, such parts
 * give exactly the verdict the whole rule gives: an `and` is truthy when every part is, and no
 * part can run out of budget or see the budget another part spent.
 */
import { compileLogic } from './evaluator.js';
import { truthy } from './json-logic.js';
import type { JsonLogic, RuleEvent } from './types.js';

/** Operations that charge nothing when every argument is free. */
const FREE_OPERATIONS = new Set([
  '===',
  '!==',
  '<',
  '<=',
  '>',
  '>=',
  '!',
  '!!',
  'and',
  'or',
  'if',
  '?:',
  'startsWith',
  'endsWith',
  'exists',
]);

/** An operation's single key and its arguments (as the compiler reads them), or null for a literal. */
function operation(logic: unknown): { op: string; args: readonly unknown[] } | null {
  if (logic === null || typeof logic !== 'object' || Array.isArray(logic)) return null;
  const keys = Object.keys(logic);
  if (keys.length !== 1) return null;
  const raw = (logic as Record<string, unknown>)[keys[0]];
  return { op: keys[0], args: Array.isArray(raw) ? raw : [raw] };
}

function isScalar(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** Whether evaluating `logic` can never charge the work budget. */
export function isFree(logic: unknown): boolean {
  if (isScalar(logic)) return true;
  const call = operation(logic);
  if (call === null) return false;
  const { op, args } = call;
  // A literal path (a computed one is charged), with a free default.
  if (op === 'var') return isScalar(args[0]) && (args.length < 2 || isFree(args[1]));
  // `in` a literal list of scalars is a set lookup; anything else scans and is charged.
  if (op === 'in') return args.length === 2 && isFree(args[0]) && Array.isArray(args[1]) && args[1].every(isScalar);
  // The three-argument "between" form of `<`/`<=` is free too, but rare: keep the test simple.
  if (['<', '<=', '>', '>='].includes(op) && args.length !== 2) return false;
  return FREE_OPERATIONS.has(op) && args.every(isFree);
}

/**
 * The parts a rule ANDs (nested `and`s flattened), when every part is free; `null` when the rule
 * is of another shape and must be evaluated whole.
 */
export function splitConjunction(logic: JsonLogic): JsonLogic[] | null {
  const parts: JsonLogic[] = [];
  const visit = (node: unknown): boolean => {
    const call = operation(node);
    if (call !== null && call.op === 'and') {
      // `{"and":[]}` is falsy, but would split into no parts at all, which every event passes.
      return call.args.length > 0 && call.args.every(visit);
    }
    if (!isFree(node)) return false;
    parts.push(node as JsonLogic);
    return true;
  };
  return visit(logic) ? parts : null;
}

/** A free part as a test of one event (its truthiness; false on an error, as the whole rule would be). */
export function compileCondition(logic: JsonLogic): (event: RuleEvent) => boolean {
  const evaluate = compileLogic(logic);
  return (event) => {
    try {
      return truthy(evaluate(event.data, event));
    } catch {
      return false;
    }
  };
}
