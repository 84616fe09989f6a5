import type { Principal, Role } from '@loadtest/protocol';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { MemoryRouter, Route, Routes } from 'react-router';
import { AuthContext, type Auth, type AuthState } from '../../src/auth/auth-context.js';

/** A logged-in principal of `role` (an admin unless a test says otherwise: it is shown everything). */
const IDS: Record<Role, string> = {
  viewer: '00000000-0000-4000-8000-000000000001',
  operator: '00000000-0000-4000-8000-000000000002',
  admin: '00000000-0000-4000-8000-000000000003',
};
export const principalOf = (role: Role, username = `${role}-user`): Principal => ({
  user: { id: IDS[role], username, role },
  via: 'session',
  csrfToken: 'csrf-test',
});

/** What `useAuth()` answers in these tests: a fixed state, no requests. */
export const staticAuth = (state: AuthState): Auth => ({ state, signedIn: () => undefined, logOut: async () => undefined });

/** Renders a page at a path to HTML, with the API's answers already in the query cache (no network in these tests), logged in as `auth`. */
export function renderAt(
  page: ReactNode,
  path = '/',
  route = '/',
  cached: [readonly unknown[], unknown][] = [],
  auth: AuthState = { status: 'signed-in', principal: principalOf('admin') },
): string {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  for (const [key, data] of cached) client.setQueryData(key, data);
  return renderToStaticMarkup(
    <QueryClientProvider client={client}>
      <AuthContext.Provider value={staticAuth(auth)}>
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route path={route} element={page} />
          </Routes>
        </MemoryRouter>
      </AuthContext.Provider>
    </QueryClientProvider>,
  );
}
