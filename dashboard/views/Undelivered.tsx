/**
 * Every delivery not (yet) delivered, across all webhooks: pending, retrying, failed, expired.
 * Select some (or all) and retry them in one go. Filters live in the URL.
 */
import { useCallback, useState } from 'preact/hooks';
import { api } from '../api.js';
import { DeliveryFilters, readFilter } from '../components/DeliveryFilters.js';
import { Problem } from '../components/Problem.js';
import { Code, Status } from '../components/Status.js';
import { listDeliveries, UNDELIVERED } from '../deliveries.js';
import { dateTime } from '../format.js';
import { useLoad } from '../hooks.js';
import { useLive, type Notice } from '../live.js';
import type { Delivery, Webhook } from '../types.js';

async function load(filter: ReturnType<typeof readFilter>) {
  const [rows, { webhooks }] = await Promise.all([
    listDeliveries(null, { ...filter, status: filter.status ?? 'undelivered' }, 200),
    api<{ webhooks: Webhook[] }>('GET', '/webhooks?limit=500'),
  ]);
  return { rows, names: new Map(webhooks.map((w) => [w.id, w.name])) };
}

export function Undelivered({ params }: { params: URLSearchParams }) {
  const filter = readFilter(params);
  const key = JSON.stringify(filter);
  const { data, error, loading, reload } = useLoad(() => load(filter), key);
  useLive(
    reload,
    useCallback((notice: Notice) => notice.kind !== 'executions', []),
    1_000,
  );
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [outcome, setOutcome] = useState<string | null>(null);
  const rows = data?.rows ?? [];
  const toggle = (id: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const retrySelected = async () => {
    const chosen = rows.filter((d) => selected.has(d.id));
    const results = await Promise.allSettled(chosen.map((d) => retryOne(d)));
    const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    setOutcome(
      `${chosen.length - failed.length} of ${chosen.length} queued again` +
        (failed.length ? `; ${failed.map((f) => (f.reason as Error).message).join('; ')}` : ''),
    );
    setSelected(new Set());
    reload();
  };
  return (
    <section aria-labelledby="undelivered-title">
      <h1 id="undelivered-title">Undelivered</h1>
      <p class="muted">Deliveries pending, retrying, failed or expired, across all webhooks.</p>
      <DeliveryFilters filter={filter} eventTypes={[]} statuses={UNDELIVERED} key={key} />
      <Problem error={error} />
      <div class="actions">
        <button type="button" disabled={selected.size === 0} onClick={() => void retrySelected()}>
          Retry selected ({selected.size})
        </button>
      </div>
      {outcome && <p role="status">{outcome}</p>}
      {data && rows.length === 0 && <p>Nothing undelivered. </p>}
      {rows.length > 0 && (
        <div class="table-wrap">
          <table class="list" aria-labelledby="undelivered-title" aria-busy={loading}>
            <thead>
              <tr>
                <th scope="col">
                  <input
                    type="checkbox"
                    aria-label="Select all"
                    checked={selected.size === rows.length}
                    onChange={(e) => setSelected(e.currentTarget.checked ? new Set(rows.map((d) => d.id)) : new Set())}
                  />
                </th>
                <th scope="col">Webhook</th>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Last response</th>
                <th scope="col">Attempts</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id} data-delivery={d.id}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select delivery ${d.id}`}
                      checked={selected.has(d.id)}
                      onChange={(e) => toggle(d.id, e.currentTarget.checked)}
                    />
                  </td>
                  <td>
                    <a href={`#/webhooks/${encodeURIComponent(d.webhook_id)}/deliveries/${encodeURIComponent(d.id)}`}>
                      {data?.names.get(d.webhook_id) ?? d.webhook_id}
                    </a>
                  </td>
                  <td>{d.event}</td>
                  <td>
                    <Status value={d.status} />
                  </td>
                  <td>{d.attempts > 0 ? <Code code={d.last_status_code} /> : '—'}</td>
                  <td>{d.attempts}</td>
                  <td>{dateTime(d.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const retryOne = (d: Delivery) =>
  api('POST', `/webhooks/${encodeURIComponent(d.webhook_id)}/deliveries/${encodeURIComponent(d.id)}/retry`);
