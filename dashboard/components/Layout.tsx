/** The frame of every signed-in page: skip link, navigation, live state, theme and sign-out. */
import type { ComponentChildren } from 'preact';
import { useLiveState } from '../live.js';
import { ThemeToggle } from './ThemeToggle.js';

const NAV = [
  ['webhooks', 'Webhooks'],
  ['undelivered', 'Undelivered'],
  ['events', 'Event catalog'],
  ['executions', 'Executions'],
  ['workflows', 'Workflows'],
] as const;

export function Layout(props: { section: string; onSignOut(): void; children: ComponentChildren }) {
  const live = useLiveState();
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/webhooks">
          Hookline
        </a>
        <nav aria-label="Sections">
          <ul>
            {NAV.map(([id, label]) => (
              <li key={id}>
                <a href={`#/${id}`} aria-current={props.section === id ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="tools">
          <span class={`live ${live}`} role="status" aria-live="polite" title="Live updates from the engine">
            {live === 'live' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Offline'}
          </span>
          <ThemeToggle />
          <button type="button" class="secondary" onClick={props.onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {props.children}
      </main>
    </>
  );
}
