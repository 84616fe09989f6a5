import type { Principal } from '@loadtest/protocol';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
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

  const anonymous = useCallback(() => {
    setCsrfToken(null);
    // What one user was shown is not kept for the next one to log in on this page.
    queryClient.clear();
    setState({ status: 'anonymous' });
  }, [queryClient]);

  useEffect(() => {
    let current = true;
    fetchMe().then(
      (principal) => current && setState({ status: 'signed-in', principal }),
      (error: unknown) => {
        if (!current) return;
        if (error instanceof ApiError && error.status === 401) setState({ status: 'anonymous' });
        else setState({ status: 'failed', message: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => {
      current = false;
    };
  }, []);

  // Any 401 afterwards (the session expired, was ended elsewhere, the user was disabled): back to the login page.
  useEffect(() => onUnauthorized(anonymous), [anonymous]);

  // The live socket follows the session: connected under each new login, closed without one.
  const principal = state.status === 'signed-in' ? state.principal : null;
  useEffect(() => {
    if (principal) openLive();
    else closeLive();
  }, [principal]);

  const signedIn = useCallback((next: Principal) => setState({ status: 'signed-in', principal: next }), []);
  const logOut = useCallback(async () => {
    try {
      await logOutOfMaster();
    } catch {
      // Already logged out on the master (401) or unreachable: this page forgets the session all the same.
    }
    anonymous();
  }, [anonymous]);

  const auth = useMemo<Auth>(() => ({ state, signedIn, logOut }), [state, signedIn, logOut]);
  return <AuthContext.Provider value={auth}>{children}</AuthContext.Provider>;
}
