import type { Principal } from '@loadtest/protocol';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { fetchMe, logOut as logOutOfMaster } from '../api/auth.js';
import { ApiError } from '../api/client.js';
import { setCsrfToken } from '../api/csrf-token.js';
import { onUnauthorized } from '../api/unauthorized.js';
import { closeLive, openLive } from '../live/socket.js';
import { AuthContext, type Auth, type AuthState } from './auth-context.js';

/** Asks the master who we are at start (`GET /auth/me`), and keeps the answer, the live socket and the query cache in step with it. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<AuthState>({ status: 'loading' });
  // Bumped by every login and logout: `/auth/me`'s answer counts only if neither happened while it was asked
  // (the one-time link is exchanged while it is on its way, and its 401 must not undo that login).
  const generation = useRef(0);

  const anonymous = useCallback(
    (loggedOut: boolean) => {
      generation.current++;
      setCsrfToken(null);
      // What one user was shown is not kept for the next one to log in on this page.
      queryClient.clear();
      setState({ status: 'anonymous', loggedOut });
    },
    [queryClient],
  );

  useEffect(() => {
    const asked = generation.current;
    fetchMe().then(
      (principal) => {
        if (generation.current === asked) setState({ status: 'signed-in', principal });
      },
      (error: unknown) => {
        if (generation.current !== asked) return;
        if (error instanceof ApiError && error.status === 401) setState({ status: 'anonymous' });
        else setState({ status: 'failed', message: error instanceof Error ? error.message : String(error) });
      },
    );
  }, []);

  // Any 401 afterwards (the session expired, was ended elsewhere, the user was disabled): back to the login page.
  useEffect(() => onUnauthorized(() => anonymous(false)), [anonymous]);

  // The live socket follows the session: connected under each new login, closed without one.
  const principal = state.status === 'signed-in' ? state.principal : null;
  useEffect(() => {
    if (principal) openLive();
    else closeLive();
  }, [principal]);

  const signedIn = useCallback((next: Principal) => {
    generation.current++;
    setState({ status: 'signed-in', principal: next });
  }, []);
  const logOut = useCallback(async () => {
    try {
      await logOutOfMaster();
    } catch {
      // Already logged out on the master (401) or unreachable: this page forgets the session all the same.
    }
    anonymous(true);
  }, [anonymous]);

  const auth = useMemo<Auth>(() => ({ state, signedIn, logOut }), [state, signedIn, logOut]);
  return <AuthContext.Provider value={auth}>{children}</AuthContext.Provider>;
}
