import { Navigate, Outlet, useLocation } from 'react-router';
import { useAuth } from './auth-context.js';
import { loginPathFor } from './next-path.js';

/** The pages behind the login: the login page when nobody is logged in, keeping where the user was going. */
export function RequireAuth() {
  const { state } = useAuth();
  const location = useLocation();
  // `/auth/me` answers in a few milliseconds: nothing is shown meanwhile rather than a page that flashes away.
  if (state.status === 'loading') return null;
  if (state.status === 'failed')
    return (
      <p role="alert" className="text-red-700 dark:text-red-300">
        Could not ask the master who you are: {state.message}
      </p>
    );
  if (state.status === 'anonymous')
    return <Navigate to={state.loggedOut ? '/login' : loginPathFor(`${location.pathname}${location.search}${location.hash}`)} replace />;
  return <Outlet />;
}
