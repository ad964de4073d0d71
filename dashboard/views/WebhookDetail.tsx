/**
 * One webhook: its settings at a glance, its buttons, a chart of deliveries and response times,
 * and the attempt log. The figures and the chart follow new deliveries and attempts live.
 */
import { useCallback, useMemo, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Problem } from '../components/Problem.js';
import { Status } from '../components/Status.js';
import { useLoad } from '../hooks.js';
import { aboutWebhook, useLive } from '../live.js';
import type { Webhook } from '../types.js';
import { AttemptLog } from './AttemptLog.js';
import { WebhookActions } from './WebhookActions.js';
import { WebhookChart } from './WebhookChart.js';

export function WebhookDetail({ id, params }: { id: string; params: URLSearchParams }) {
  const webhook = useLoad(() => api<Webhook>('GET', `/webhooks/${encodeURIComponent(id)}`), id);
  const [version, setVersion] = useState(0);
  const refresh = useCallback(() => {
    webhook.reload();
    setVersion((v) => v + 1);
  }, [webhook.reload]);
  useLive(
    refresh,
    useMemo(() => aboutWebhook(id), [id]),
  );
  if (webhook.error) return <Problem error={webhook.error} />;
  const w = webhook.data;
  if (!w) return <p aria-busy="true">Loading…</p>;
  return (
    <section aria-labelledby="webhook-title">
      <p>
        <a href="#/webhooks">← Webhooks</a>
      </p>
      <div class="title-row">
        <h1 id="webhook-title">{w.name}</h1>
        <Status value={w.status} />
      </div>
      <dl class="facts">
        <dt>URL</dt>
        <dd class="url">{w.url}</dd>
        <dt>Events</dt>
        <dd>{w.events.join(', ')}</dd>
        {w.disabled_reason && (
          <>
            <dt>Disabled because</dt>
            <dd>{w.disabled_reason}</dd>
          </>
        )}
        {w.organization && (
          <>
            <dt>Organization</dt>
            <dd>{w.organization}</dd>
          </>
        )}
        {typeof w.profile === 'string' && (
          <>
            <dt>Profile</dt>
            <dd>{w.profile}</dd>
          </>
        )}
      </dl>
      <WebhookActions webhook={w} onChanged={webhook.reload} />
      <h2>Deliveries and response times</h2>
      <WebhookChart id={id} version={version} />
      <AttemptLog webhookId={id} eventTypes={w.events.filter((e) => !e.includes('*'))} params={params} />
    </section>
  );
}
