// Hash routes (`#/edit?file=…`): every page has an address to bookmark and reload, and the server serves one page.
import { useEffect, useState } from 'preact/hooks';

export type PageName = 'briefs' | 'edit' | 'pipeline' | 'outputs';

export interface Route {
  page: PageName;
  params: URLSearchParams;
}

const PAGES: readonly PageName[] = ['briefs', 'edit', 'pipeline', 'outputs'];

export function parseHash(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?');
  const page = (PAGES as readonly string[]).includes(path) ? (path as PageName) : 'briefs';
  return { page, params: new URLSearchParams(search) };
}

export function href(page: PageName, params: Record<string, string | undefined> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, value);
  const text = search.toString();
  return `#/${page}${text ? `?${text}` : ''}`;
}

export function navigate(page: PageName, params: Record<string, string | undefined> = {}): void {
  window.location.hash = href(page, params);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
