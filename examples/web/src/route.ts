import { useEffect, useState } from 'react';

/** The app's screens, addressed by the URL's hash (`#/product/000123`), so links and reloads work. */
export type Route =
  | { screen: 'search'; query: string; page: number }
  | { screen: 'product'; sku: string }
  | { screen: 'cart' }
  | { screen: 'account' }
  | { screen: 'signin' };

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'product' && parts[1])
    return { screen: 'product', sku: decodeURIComponent(parts[1]) };
  if (parts[0] === 'cart') return { screen: 'cart' };
  if (parts[0] === 'account') return { screen: 'account' };
  if (parts[0] === 'signin') return { screen: 'signin' };
  const page = Number(params.get('page') ?? '1');
  return {
    screen: 'search',
    query: params.get('q') ?? '',
    page: Number.isInteger(page) && page > 0 ? page : 1,
  };
}

export function hrefOf(route: Route): string {
  switch (route.screen) {
    case 'product':
      return `#/product/${encodeURIComponent(route.sku)}`;
    case 'search': {
      const params = new URLSearchParams();
      if (route.query) params.set('q', route.query);
      if (route.page > 1) params.set('page', String(route.page));
      const search = params.toString();
      return `#/search${search ? `?${search}` : ''}`;
    }
    default:
      return `#/${route.screen}`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = hrefOf(route);
}

/** The current route, following the hash. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = (): void => {
      setRoute(parseRoute(window.location.hash));
    };
    window.addEventListener('hashchange', onChange);
    return () => {
      window.removeEventListener('hashchange', onChange);
    };
  }, []);
  return route;
}
