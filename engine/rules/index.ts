/**
 * Subscription rules: compiled once when a subscription is saved, evaluated per event.
 *
 * Depends only on json-logic-js (and Hookline's error type), so it can be bundled into n8n nodes.
 * Importing this module registers Hookline's custom operations (`startsWith`, `endsWith`,
 * `contains`, `exists`, `nin`) on the shared json-logic-js instance, so a stored `logic` can also
 * be evaluated with `jsonLogic.apply(logic, {...event.data, $event: event})`.
 */
export { compileRules, lastEvaluationSteps } from './compile.js';
export { compileCondition, splitConjunction } from './conjunction.js';
export { toJsonLogic } from './conditions.js';
export { matchesEventPattern } from './filters.js';
export { compileProjection } from './projection.js';
export { RULE_LIMITS } from './limits.js';
export type { CompiledRules, JsonLogic, RuleEvent, RuleInput, RuleVerdict } from './types.js';
