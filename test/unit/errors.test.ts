import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, Errors, HooklineError, isHooklineError, type ErrorCode } from '../../engine/errors.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const codes = Object.keys(ERROR_CODES) as ErrorCode[];

/** The text of every TypeScript source file under `dir`, but the registry itself. */
function sourceTexts(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && join(dir, file) !== join('engine', 'errors.ts'))
    .map((file) => readFileSync(join(root, dir, file), 'utf8'));
}

/** The rows of the table in docs/errors.md, by code. */
function documentedCodes(): Map<string, { status: number; retryable: string; meaning: string }> {
  const rows = new Map<string, { status: number; retryable: string; meaning: string }>();
  for (const line of readFileSync(join(root, 'docs/errors.md'), 'utf8').split('\n')) {
    const cells = /^\|\s*`([A-Z_]+)`\s*\|\s*(\d+)\s*\|([^|]*)\|([^|]*)\|\s*$/.exec(line);
    if (cells) rows.set(cells[1], { status: Number(cells[2]), retryable: cells[3].trim(), meaning: cells[4].trim() });
  }
  return rows;
}

/** One argument per `%s` of the code's template, then the options. */
function sampleArgs(code: ErrorCode): string[] {
  return ERROR_CODES[code].message
    .split('%s')
    .slice(1)
    .map((_, i) => `arg${i}`);
}

describe('the error registry', () => {
  it('throws every code somewhere in engine/ or nodes/, through its constructor', () => {
    const sources = [...sourceTexts('engine'), ...sourceTexts('nodes')].join('\n');
    const unthrown = codes.filter((code) => !sources.includes(`Errors.${code}(`));
    expect(unthrown).toEqual([]);
  });

  it('documents every code, and only those, in the table of docs/errors.md', () => {
    const documented = documentedCodes();
    expect([...documented.keys()].sort()).toEqual([...codes].sort());
    for (const code of codes) {
      const row = documented.get(code)!;
      const spec: { status: number; retryable?: boolean } = ERROR_CODES[code];
      expect({ code, status: row.status }).toEqual({ code, status: spec.status });
      const retryable = spec.retryable === undefined ? '' : spec.retryable ? 'yes' : 'no';
      expect({ code, retryable: row.retryable }).toEqual({ code, retryable });
      expect(row.meaning, code).not.toBe('');
    }
  });

  it('marks exactly the delivery codes retryable or not', () => {
    const withFlag = codes.filter((code) => 'retryable' in ERROR_CODES[code]);
    expect(withFlag).toEqual(codes.filter((code) => code.startsWith('DELIVERY_')));
  });

  it('builds each code with its status and its template filled in order', () => {
    for (const code of codes) {
      const args = sampleArgs(code);
      const error = (Errors[code] as (...values: string[]) => HooklineError)(...args);
      let i = 0;
      const message = ERROR_CODES[code].message.replace(/%s/g, () => args[i++]);
      expect(error).toBeInstanceOf(HooklineError);
      expect(error).toBeInstanceOf(Error);
      expect(isHooklineError(error)).toBe(true);
      expect({ code: error.code, status: error.status, message: error.message, name: error.name }).toEqual({
        code,
        status: ERROR_CODES[code].status,
        message,
        name: 'HooklineError',
      });
    }
  });

  it('fills several placeholders in order and takes the options after them', () => {
    const cause = new Error('boom');
    const error = Errors.NODE_EXECUTION_FAILED('Send', 'timeout', {
      details: { node: 'Send' },
      headers: { 'retry-after': '1' },
      cause,
    });
    expect(error.message).toBe("Node 'Send' failed: timeout");
    expect(error.details).toEqual({ node: 'Send' });
    expect(error.headers).toEqual({ 'retry-after': '1' });
    expect(error.cause).toBe(cause);
    expect(Errors.BACKLOG_FULL(500, 3).message).toBe(
      'More than 500 deliveries are waiting to be sent; retry after 3 seconds',
    );
    expect(Errors.DELIVERY_GONE().message).toBe('Receiver answered 410 Gone; the endpoint is disabled');
  });

  it("serialises to the seed's error body, with details only when there are some", () => {
    expect(JSON.parse(JSON.stringify(Errors.NOT_FOUND("Workflow 'x' not found")))).toEqual({
      success: false,
      error: { code: 'NOT_FOUND', message: "Workflow 'x' not found" },
    });
    const details = { field: 'message', expected: 'string', received: 'null' };
    expect(Errors.INVALID_INPUT("Required field 'message' is missing", { details }).toJSON()).toEqual({
      success: false,
      error: { code: 'INVALID_INPUT', message: "Required field 'message' is missing", details },
    });
  });

  it('types each constructor by its placeholders', () => {
    // Checked by tsc -p tsconfig.test.json: each call below must fail to type-check.
    const checks = [
      // @ts-expect-error NOT_FOUND needs its message
      () => Errors.NOT_FOUND(),
      // @ts-expect-error CREDENTIAL_NOT_FOUND takes a name and a type
      () => Errors.CREDENTIAL_NOT_FOUND('only-name'),
      // @ts-expect-error DELIVERY_GONE takes no values, only options
      () => Errors.DELIVERY_GONE('extra'),
      // @ts-expect-error the constructor is private: Errors is the only way
      () => new HooklineError('NOT_FOUND', 'x', {}),
    ];
    expect(checks).toHaveLength(4);
    const typed: HooklineError<'WORKFLOW_INACTIVE'> = Errors.WORKFLOW_INACTIVE('orders');
    expect(typed.code).toBe('WORKFLOW_INACTIVE');
  });
});
