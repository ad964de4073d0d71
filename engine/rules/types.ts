/**
 * Public types of the subscription rules module. Kept apart so every other file can import them
 * without pulling in the json-logic-js registration side effect.
 */

/**
 * A JSON-logic expression: an object with exactly one operator key, e.g.
 * `{"<":[{"var":"satisfaction_score"},3]}`.
 */
export type JsonLogic = Record<string, unknown>;

/** The part of an event envelope that rules may look at. */
export interface RuleEvent {
  readonly id: string;
  readonly type: string;
  readonly timestamp: string;
  readonly data: unknown;
  readonly metadata?: unknown;
}

/** The rule fields a subscription may carry, exactly as the API or a seed document sent them. */
export interface RuleInput {
  /** JSON-logic, the seed shorthand (`{"score":{"lt":3}}`) or Mongo-style (`{"score":{"$lt":3}}`). */
  conditions?: unknown;
  /** Per-event-type filters (`{"function.executed":{...}}`), or `{include_fields:[...]}` (a projection). */
  filters?: unknown;
  /** Dot paths inside event `data` to keep; everything else is trimmed. */
  include_fields?: unknown;
  /** Event type patterns the subscription listens to; when non-empty, other types never match. */
  events?: readonly string[];
}

/** The outcome of evaluating rules against one event. `over-budget` does not deliver. */
export type RuleVerdict = 'match' | 'no-match' | 'over-budget';

/** Rules compiled once when a subscription is saved, then evaluated per event. */
export interface CompiledRules {
  /**
   * JSON-logic the event must satisfy (conditions AND the filter for its type), stored so it can
   * be shown back. Evaluate it against `{...event.data, $event: event}`. `null` when nothing is
   * required.
   */
  readonly logic: JsonLogic | null;
  /** The projection paths (top-level `include_fields` plus `filters.include_fields`), or `null`. */
  readonly includeFields: readonly string[] | null;
  /** True when `verdict` is `match` for every event (no conditions, no restricting filter, no event gate). */
  readonly unconditional: boolean;
  /** Whether the event should be delivered to this subscription. Never throws. */
  matches(event: RuleEvent): boolean;
  /** Like `matches`, but tells a rule stopped by the work budget (`over-budget`) from a plain no. */
  verdict(event: RuleEvent): RuleVerdict;
  /**
   * What `verdict` evaluates for an event of this type: JSON-logic over `{...data, $event}`, `null`
   * when it matches without evaluating anything, `false` when the type is never taken.
   */
  logicFor(type: string): JsonLogic | null | false;
  /** Trims event data to `includeFields`; returns `data` itself when there is no projection. */
  project<T>(data: T): T | Record<string, unknown>;
}
