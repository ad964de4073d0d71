import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../engine/message/index.js';
import { classifyError, classifyResponse, describeError, failedTask } from '../../../engine/pool/outcome.js';

const nowMs = Date.parse('2025-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delta-seconds on 429 and 503', () => {
    expect(parseRetryAfter(429, '30', nowMs)).toBe(30);
    expect(parseRetryAfter(503, ' 0 ', nowMs)).toBe(0);
  });

  it('reads an HTTP date as seconds from now, never negative', () => {
    expect(parseRetryAfter(503, 'Wed, 01 Jan 2025 00:01:00 GMT', nowMs)).toBe(60);
    expect(parseRetryAfter(429, 'Tue, 31 Dec 2024 23:00:00 GMT', nowMs)).toBe(0);
  });

  it('ignores other statuses, garbage and absent headers', () => {
    expect(parseRetryAfter(500, '30', nowMs)).toBeNull();
    expect(parseRetryAfter(429, 'soon', nowMs)).toBeNull();
    expect(parseRetryAfter(429, '-5', nowMs)).toBeNull();
    expect(parseRetryAfter(429, undefined, nowMs)).toBeNull();
  });
});

describe('classifyResponse', () => {
  it('maps statuses to delivery codes', () => {
    expect(classifyResponse(204, {}).errorCode).toBeNull();
    expect(classifyResponse(410, {}).errorCode).toBe('DELIVERY_GONE');
    expect(classifyResponse(302, {}).errorCode).toBe('DELIVERY_REJECTED');
    expect(classifyResponse(404, {}).errorCode).toBe('DELIVERY_REJECTED');
  });

  it('lets 410 win over the abort header but still flags abort', () => {
    expect(classifyResponse(410, { 'webhook-delivery': 'abort-message' })).toMatchObject({
      errorCode: 'DELIVERY_GONE',
      abort: true,
    });
  });

  it('matches the abort value regardless of case', () => {
    expect(classifyResponse(500, { 'webhook-delivery': 'Abort-Message' }).errorCode).toBe('DELIVERY_ABORTED');
  });
});

describe('classifyError', () => {
  it('calls anything after our deadline fired a timeout', () => {
    expect(classifyError(new Error('other side closed'), true, 50).errorCode).toBe('DELIVERY_TIMEOUT');
  });

  it("treats undici's phase timeouts as timeouts", () => {
    const err = Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(classifyError(err, false, 50).errorCode).toBe('DELIVERY_TIMEOUT');
  });

  it('calls refused, reset and DNS failures connection errors, naming the code', () => {
    const err = Object.assign(new AggregateError([], ''), { code: 'ECONNREFUSED' });
    const outcome = classifyError(err, false, 50);
    expect(outcome).toMatchObject({ errorCode: 'DELIVERY_CONNECTION', abort: false });
    expect(outcome.error).toBe('Could not reach the receiver: ECONNREFUSED');
    expect(describeError(Object.assign(new Error('getaddrinfo ENOTFOUND x.invalid'), { code: 'ENOTFOUND' }))).toBe(
      'getaddrinfo ENOTFOUND x.invalid',
    );
  });
});

describe('failedTask', () => {
  it('turns every request of a task the pool could not run into a retryable failed attempt', () => {
    const task = {
      mode: 'parallel' as const,
      requests: [{ deliveryIds: ['d1'] }, { deliveryIds: ['d2', 'd3'] }] as never[],
      targets: { allowPrivateTargets: true, httpsOnly: false },
    };
    const result = failedTask(task, Object.assign(new Error('worker exited'), { code: 'ERR_WORKER_EXIT' }));
    expect(result.skipped).toEqual([]);
    expect(result.results.map((r) => r.deliveryIds)).toEqual([['d1'], ['d2', 'd3']]);
    for (const r of result.results) {
      expect(r).toMatchObject({ statusCode: null, abort: false, errorCode: 'DELIVERY_CONNECTION' });
      expect(r.error).toContain('ERR_WORKER_EXIT');
    }
  });
});
