/**
 * Filters of a delivery list, kept in the URL (`?status=failed&event_type=…&start=…&end=…`): the
 * view can be shared, bookmarked and opened in a new tab as it is.
 */
import { useState } from 'preact/hooks';
import { isoToLocal, localToIso } from '../format.js';
import { setParams } from '../router.js';

export const STATUSES = ['pending', 'in_flight', 'retrying', 'succeeded', 'failed', 'expired'];

export interface DeliveryFilter {
  status?: string;
  event_type?: string;
  start?: string;
  end?: string;
}

export const readFilter = (params: URLSearchParams): DeliveryFilter => ({
  status: params.get('status') ?? undefined,
  event_type: params.get('event_type') ?? undefined,
  start: params.get('start') ?? undefined,
  end: params.get('end') ?? undefined,
});

export function DeliveryFilters(props: { filter: DeliveryFilter; eventTypes: string[]; statuses?: string[] }) {
  const [draft, setDraft] = useState(props.filter);
  const apply = (event: Event) => {
    event.preventDefault();
    setParams({ status: draft.status, event_type: draft.event_type, start: draft.start, end: draft.end });
  };
  const set = (name: keyof DeliveryFilter) => (event: Event) =>
    setDraft({ ...draft, [name]: (event.currentTarget as HTMLInputElement).value || undefined });
  return (
    <form class="filters" onSubmit={apply} aria-label="Filter deliveries">
      <label>
        Status
        <select value={draft.status ?? ''} onChange={set('status')}>
          <option value="">Any</option>
          {(props.statuses ?? STATUSES).map((status) => (
            <option key={status} value={status}>
              {status.replace('_', ' ')}
            </option>
          ))}
        </select>
      </label>
      <label>
        Event type
        <input list="event-types" value={draft.event_type ?? ''} onInput={set('event_type')} placeholder="Any" />
        <datalist id="event-types">
          {props.eventTypes.map((type) => (
            <option key={type} value={type} />
          ))}
        </datalist>
      </label>
      <label>
        From
        <input
          type="datetime-local"
          value={isoToLocal(draft.start)}
          onInput={(e) => setDraft({ ...draft, start: localToIso(e.currentTarget.value) })}
        />
      </label>
      <label>
        To
        <input
          type="datetime-local"
          value={isoToLocal(draft.end)}
          onInput={(e) => setDraft({ ...draft, end: localToIso(e.currentTarget.value) })}
        />
      </label>
      <button type="submit">Apply filters</button>
      <button
        type="button"
        class="secondary"
        onClick={() => (
          setDraft({}),
          setParams({ status: undefined, event_type: undefined, start: undefined, end: undefined })
        )}
      >
        Clear
      </button>
    </form>
  );
}
