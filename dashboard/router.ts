/**
 * Hash routes (`#/webhooks/wh_…?status=failed`): every view and its filters live in the URL, so a
 * link can be shared or opened in a new tab, and the engine serves one page for all of them.
 */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  /** Path segments after `#/`, e.g. `['webhooks', 'wh_1']`. */
  parts: string[];
  params: URLSearchParams;
}

export function readRoute(hash = location.hash): Route {
  const [path, search = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(search) };
}

export function href(path: string, params?: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params ?? {})) if (value) search.set(name, value);
  const text = search.toString();
  return `#${path}${text ? `?${text}` : ''}`;
}

export function navigate(path: string, params?: Record<string, string | undefined>): void {
  location.hash = href(path, params);
}

/** Changes the current route's query (filters) in place: a new history entry, no reload. */
export function setParams(changes: Record<string, string | undefined>): void {
  const route = readRoute();
  const next: Record<string, string | undefined> = Object.fromEntries(route.params);
  Object.assign(next, changes);
  navigate(`/${route.parts.map(encodeURIComponent).join('/')}`, next);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(readRoute);
  useEffect(() => {
    const update = () => setRoute(readRoute());
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}
