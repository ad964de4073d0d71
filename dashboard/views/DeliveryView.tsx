/** One delivery: its payload and every attempt as a timeline, each with request and response. */
import { useCallback, useState } from 'preact/hooks';
import { api } from '../api.js';
import { HeaderTable, Json } from '../components/Json.js';
import { Problem } from '../components/Problem.js';
import { Code, Status } from '../components/Status.js';
import { dateTime } from '../format.js';
import { useLoad } from '../hooks.js';
import { useLive, type Notice } from '../live.js';
import type { Attempt, Delivery } from '../types.js';

export function DeliveryView({ webhookId, id }: { webhookId: string; id: string }) {
  const path = `/webhooks/${encodeURIComponent(webhookId)}/deliveries/${encodeURIComponent(id)}`;
  const { data, error, reload } = useLoad(() => api<Delivery>('GET', path), path);
  useLive(
    reload,
    useCallback((notice: Notice) => notice.webhook_id === webhookId, [webhookId]),
  );
  const [problem, setProblem] = useState<Error | null>(null);
  const retry = async () => {
    setProblem(null);
    try {
      await api('POST', `${path}/retry`);
      reload();
    } catch (failure) {
      setProblem(failure as Error);
    }
  };
  if (error) return <Problem error={error} />;
  if (!data) return <p aria-busy="true">Loading…</p>;
  return (
    <section aria-labelledby="delivery-title">
      <p>
        <a href={`#/webhooks/${encodeURIComponent(webhookId)}`}>← Webhook</a>
      </p>
      <div class="title-row">
        <h1 id="delivery-title">
          Delivery <code>{data.id}</code>
        </h1>
        <Status value={data.status} />
        <button type="button" onClick={() => void retry()}>
          Retry now
        </button>
      </div>
      <Problem error={problem} />
      <dl class="facts">
        <dt>Event</dt>
        <dd>
          {data.event} <code>{data.event_id}</code>
        </dd>
        <dt>Created</dt>
        <dd>{dateTime(data.created_at)}</dd>
        {data.next_attempt_at && (
          <>
            <dt>Next attempt</dt>
            <dd>{dateTime(data.next_attempt_at)}</dd>
          </>
        )}
        {data.last_error && (
          <>
            <dt>Last error</dt>
            <dd>{data.last_error}</dd>
          </>
        )}
      </dl>
      <h2>Attempts</h2>
      {(data.attempt_log ?? []).length === 0 && <p>Not attempted yet.</p>}
      <ol class="timeline">
        {(data.attempt_log ?? []).map((attempt) => (
          <AttemptItem key={attempt.id} attempt={attempt} payload={data.payload} />
        ))}
      </ol>
    </section>
  );
}

function AttemptItem({ attempt, payload }: { attempt: Attempt; payload: unknown }) {
  const label = `Attempt ${attempt.attempt}`;
  return (
    <li class="attempt">
      <h3>
        {label}: <Code code={attempt.response_code} /> in {Math.round(attempt.response_time_ms)} ms,{' '}
        <time dateTime={attempt.timestamp}>{dateTime(attempt.timestamp)}</time>
      </h3>
      {attempt.error && (
        <p class="problem">
          {attempt.error_code ? `${attempt.error_code}: ` : ''}
          {attempt.error}
        </p>
      )}
      <div class="exchange">
        <div>
          <h4>Request</h4>
          {attempt.request_headers && (
            <HeaderTable headers={attempt.request_headers} label={`${label} request headers`} />
          )}
          <Json value={payload} label={`${label} request body`} />
        </div>
        <div>
          <h4>Response</h4>
          {attempt.response_headers && (
            <HeaderTable headers={attempt.response_headers} label={`${label} response headers`} />
          )}
          <Json value={attempt.response_body} label={`${label} response body`} />
        </div>
      </div>
    </li>
  );
}
