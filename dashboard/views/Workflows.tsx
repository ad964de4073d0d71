/** The loaded workflows; each opens as a graph. */
import { api } from '../api.js';
import { Problem } from '../components/Problem.js';
import { Status } from '../components/Status.js';
import { useLoad } from '../hooks.js';
import type { WorkflowSummary } from '../types.js';

export function Workflows() {
  const { data, error } = useLoad(() => api<{ workflows: WorkflowSummary[] }>('GET', '/workflows'), 'workflows');
  return (
    <section aria-labelledby="workflows-title">
      <h1 id="workflows-title">Workflows</h1>
      <Problem error={error} />
      {data && data.workflows.length === 0 && <p>No workflows loaded.</p>}
      <ul class="cards">
        {(data?.workflows ?? []).map((w) => (
          <li key={w.id}>
            <a href={`#/workflows/${encodeURIComponent(w.id)}`}>{w.name}</a>
            <Status value={w.active ? 'active' : 'disabled'} />
            <span class="muted small">
              {w.id} · {w.nodes} nodes
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
