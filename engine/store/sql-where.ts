/** Builds a `WHERE` clause from optional filters, keeping each condition next to its bound values. */
export interface WhereBuilder {
  /** Adds `condition` (with `?` placeholders) and its values. */
  add(condition: string, ...values: unknown[]): WhereBuilder;
  /** `WHERE a AND b`, or '' when nothing was added. */
  readonly sql: string;
  readonly params: unknown[];
}

export function createWhere(): WhereBuilder {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const builder: WhereBuilder = {
    add(condition, ...values) {
      conditions.push(condition);
      params.push(...values);
      return builder;
    },
    get sql() {
      return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    },
    params,
  };
  return builder;
}
