/** The event catalog: every event type by group, with its description and JSON schema. */
import { api } from '../api.js';
import { Json } from '../components/Json.js';
import { Problem } from '../components/Problem.js';
import { useLoad } from '../hooks.js';
import type { CatalogEvent } from '../types.js';

export function Catalog() {
  const { data, error } = useLoad(() => api<{ events: CatalogEvent[] }>('GET', '/events'), 'catalog');
  const groups = new Map<string, CatalogEvent[]>();
  for (const event of data?.events ?? []) groups.set(event.group, [...(groups.get(event.group) ?? []), event]);
  return (
    <section aria-labelledby="catalog-title">
      <h1 id="catalog-title">Event catalog</h1>
      <Problem error={error} />
      {[...groups].map(([group, events]) => (
        <section key={group} aria-labelledby={`group-${group}`}>
          <h2 id={`group-${group}`}>{group}</h2>
          <ul class="catalog">
            {events.map((event) => (
              <li key={event.type}>
                <details>
                  <summary>
                    <code>{event.type}</code>
                    {event.description ? <span class="muted"> — {event.description}</span> : null}
                  </summary>
                  <Json value={event.schema} label={`Schema of ${event.type}`} />
                </details>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </section>
  );
}
