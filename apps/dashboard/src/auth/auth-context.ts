import type { Principal, Role } from '@loadtest/protocol';
import { roleAllows } from '@loadtest/protocol';
import { createContext, useContext } from 'react';

/**
 * Where the app stands with the master: still asking, nobody logged in (`loggedOut`: the user logged out here, so
 * the login page has nowhere to return to), logged in, or the master could not say.
 */
export type AuthState =
  { status: 'loading' } | { status: 'anonymous'; loggedOut?: boolean } | { status: 'signed-in'; principal: Principal } | { status: 'failed'; message: string };

export interface Auth {
  state: AuthState;
  /** After a login (password or link): the principal it answered. */
  signedIn(principal: Principal): void;
  /** Ends the session on the master, then shows the login page. */
  logOut(): Promise<void>;
}

export const AuthContext = createContext<Auth | null>(null);

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (auth === null) throw new Error('useAuth() outside <AuthProvider>');
  return auth;
}

/** The logged-in principal's role, or null when nobody is. */
export function useRole(): Role | null {
  const { state } = useAuth();
  return state.status === 'signed-in' ? state.principal.user.role : null;
}

/** Whether the logged-in user may do what `needed` may (the server decides anyway: this only hides what it would refuse). */
export function useAllows(needed: Role): boolean {
  const role = useRole();
  return role !== null && roleAllows(role, needed);
}
