/**
 * A webhook's attempt log: its deliveries filtered by status, event type and time range (kept in
 * the URL), newest first, each with its last response, a link to every attempt and a retry button.
 * New deliveries and attempts appear live; "Show more" reads further back.
 */
import { useMemo, useState } from 'preact/hooks';
import { api } from '../api.js';
import { DeliveryFilters, readFilter } from '../components/DeliveryFilters.js';
import { Problem } from '../components/Problem.js';
import { Code, Status } from '../components/Status.js';
import { listDeliveries } from '../deliveries.js';
import { dateTime } from '../format.js';
import { useLoad } from '../hooks.js';
import { aboutWebhook, useLive } from '../live.js';

const PAGE = 100;
/** The API's largest page. */
const MAX_ROWS = 500;

export function AttemptLog(props: { webhookId: string; eventTypes: string[]; params: URLSearchParams }) {
  const id = props.webhookId;
  const filter = readFilter(props.params);
  const filterKey = JSON.stringify(filter);
  const [limit, setLimit] = useState(PAGE);
  const log = useLoad(() => listDeliveries(id, filter, limit), `${id}:${filterKey}:${limit}`);
  useLive(
    log.reload,
    useMemo(() => aboutWebhook(id), [id]),
  );
  const [retryProblem, setRetryProblem] = useState<Error | null>(null);
  const retry = async (deliveryId: string) => {
    setRetryProblem(null);
    try {
      await api('POST', `/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(deliveryId)}/retry`);
      log.reload();
    } catch (failure) {
      setRetryProblem(failure as Error);
    }
  };
  const rows = log.data ?? [];
  return (
    <section aria-labelledby="log-title">
      <h2 id="log-title">Attempt log</h2>
      <DeliveryFilters filter={filter} eventTypes={props.eventTypes} key={filterKey} />
      <Problem error={log.error ?? retryProblem} />
      {log.data && rows.length === 0 && <p>No deliveries match.</p>}
      {rows.length > 0 && (
        <div class="table-wrap">
          <table class="list" aria-labelledby="log-title" aria-busy={log.loading}>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Response</th>
                <th scope="col">Attempts</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id} data-delivery={d.id}>
                  <td>{dateTime(d.created_at)}</td>
                  <td>{d.event}</td>
                  <td>
                    <Status value={d.status} />
                  </td>
                  <td>{d.attempts > 0 ? <Code code={d.last_status_code} /> : '—'}</td>
                  <td>{d.attempts}</td>
                  <td class="row-actions">
                    <a href={`#/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(d.id)}`}>
                      Details<span class="sr-only"> of {d.id}</span>
                    </a>
                    <button type="button" class="secondary small" onClick={() => void retry(d.id)}>
                      Retry<span class="sr-only"> {d.id}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {rows.length >= limit && limit < MAX_ROWS && (
        <button type="button" class="secondary" onClick={() => setLimit(Math.min(MAX_ROWS, limit + PAGE))}>
          Show more
        </button>
      )}
    </section>
  );
}
