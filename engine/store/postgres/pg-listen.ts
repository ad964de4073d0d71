/**
 * The LISTEN side of the wake-ups: one dedicated connection per process (a pooled one would be
 * handed to queries). When it drops it is opened again after a pause; signals sent meanwhile are
 * lost, which the workers' polling covers, and the listener is told to look at everything once.
 */
import type pg from 'pg';
import type { StoreSignal } from '../types.js';
import { CHANNELS, createPgClient, quoteIdent } from './pg-db.js';

const RECONNECT_MS = 1_000;

export async function listenPg(
  connection: { connectionString: string; schema?: string },
  listener: (signal: StoreSignal) => void,
  onError: (error: Error) => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | null = null;

  /** This store's channels: the schema's suffix, learnt from the server when connecting. */
  let suffix = '';
  const deliver = (message: pg.Notification): void => {
    const channel = message.channel.slice(0, message.channel.length - suffix.length);
    if (!message.channel.endsWith(suffix)) return;
    if (channel === CHANNELS.events) listener({ kind: 'events' });
    else if (channel === CHANNELS.subscriptions) listener({ kind: 'subscriptions' });
    else if (channel === CHANNELS.deliveries) {
      const payload = message.payload ?? '';
      listener({ kind: 'deliveries', subscriptionIds: payload === '*' || payload === '' ? null : payload.split(',') });
    }
  };
  const missedSignals = (): void => {
    listener({ kind: 'events' });
    listener({ kind: 'subscriptions' });
    listener({ kind: 'deliveries', subscriptionIds: null });
  };

  async function connect(): Promise<void> {
    const next = createPgClient(connection);
    next.on('notification', deliver);
    // Only the current connection's end matters: a failed attempt's own events are ignored.
    next.on('error', (error) => {
      if (client !== next) return;
      onError(error);
      reconnectLater();
    });
    next.on('end', () => client === next && reconnectLater());
    await next.connect();
    const { rows } = await next.query<{ schema: string | null }>('SELECT current_schema() AS schema');
    suffix = `.${rows[0].schema ?? ''}`;
    const channels = Object.values(CHANNELS).map((channel) => `LISTEN ${quoteIdent(channel + suffix)}`);
    await next.query(channels.join('; '));
    client = next;
  }

  function reconnectLater(): void {
    if (stopped || retry) return;
    client = null;
    retry = setTimeout(() => {
      retry = null;
      connect().then(missedSignals, (error: Error) => {
        onError(error);
        reconnectLater();
      });
    }, RECONNECT_MS);
    retry.unref();
  }

  await connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}
