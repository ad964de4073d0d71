/**
 * Dot paths (`output_data.order_id`) used by conditions, filters and projections, and the
 * `$event` root that reaches the envelope instead of `data`.
 */
import { RULE_LIMITS, ruleError } from './limits.js';

/**
 * First path segment that addresses the event envelope rather than its `data`:
 * `$event.type`, `$event.id`, `$event.timestamp`, `$event.metadata.source`, `$event.data.x`.
 */
export const EVENT_ROOT = '$event';

/**
 * Segments that would read or write an object's prototype. Rejected everywhere: reading them is
 * meaningless for JSON data, and writing them while projecting would be prototype pollution.
 */
const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

export function isForbiddenSegment(segment: string): boolean {
  return FORBIDDEN_SEGMENTS.has(segment);
}

/** Splits and validates a dot path; throws INVALID_INPUT naming `field` when it is unusable. */
export function parsePath(path: unknown, field: string): string[] {
  if (typeof path !== 'string' || path === '') {
    throw ruleError(field, 'expected a non-empty dot path', 'non-empty string', path);
  }
  if (path.length > RULE_LIMITS.maxPathLength) {
    throw ruleError(
      field,
      `path is longer than ${RULE_LIMITS.maxPathLength} characters`,
      `at most ${RULE_LIMITS.maxPathLength} characters`,
      path,
    );
  }
  const segments = path.split('.');
  if (segments.length > RULE_LIMITS.maxDepth) {
    throw ruleError(
      field,
      `path has more than ${RULE_LIMITS.maxDepth} segments`,
      `at most ${RULE_LIMITS.maxDepth} segments`,
      path,
    );
  }
  for (const segment of segments) {
    if (segment === '') throw ruleError(field, `path '${path}' has an empty segment`, 'dot path like a.b.c', path);
    if (isForbiddenSegment(segment))
      throw ruleError(field, `path segment '${segment}' is not allowed`, 'data field name', path);
  }
  return segments;
}
