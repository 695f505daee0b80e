import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { TOKEN_URL } from './config.js';

interface Session {
  token: string | null;
  username: string | null;
  signIn(username: string, password: string): Promise<void>;
  signOut(): void;
}

const SessionContext = createContext<Session | null>(null);
const STORAGE_KEY = 'storefront.session';

function stored(): { token: string; username: string } | null {
  try {
    const value = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as unknown;
    if (
      typeof value === 'object' &&
      value !== null &&
      'token' in value &&
      'username' in value &&
      typeof value.token === 'string' &&
      typeof value.username === 'string'
    )
      return { token: value.token, username: value.username };
  } catch {
    // A damaged entry: signed out.
  }
  return null;
}

/** Where the client reads the token for each request (outside React). */
let currentToken: string | null = stored()?.token ?? null;
export const getToken = (): string | null => currentToken;

/** The signed-in shopper: a token from the identity provider, kept for the browser tab. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState(stored);
  const signIn = useCallback(async (username: string, password: string) => {
    const response = await fetch(TOKEN_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const body = (await response.json().catch(() => ({}))) as { access_token?: unknown };
    if (!response.ok || typeof body.access_token !== 'string')
      throw new Error('Wrong username or password');
    const next = { token: body.access_token, username };
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    currentToken = next.token;
    setState(next);
  }, []);
  const signOut = useCallback(() => {
    sessionStorage.removeItem(STORAGE_KEY);
    currentToken = null;
    setState(null);
  }, []);
  const session = useMemo<Session>(
    () => ({
      token: state?.token ?? null,
      username: state?.username ?? null,
      signIn,
      signOut,
    }),
    [state, signIn, signOut],
  );
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
