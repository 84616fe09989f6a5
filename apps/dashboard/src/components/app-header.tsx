import { NavLink } from 'react-router';
import { useAllows, useAuth } from '../auth/auth-context.js';
import { UserMenu } from '../auth/user-menu.js';
import { ThemeSwitch } from './theme-switch.js';

const navClass = ({ isActive }: { isActive: boolean }) => `rounded px-2 py-1 focus:outline-2 ${isActive ? 'bg-gray-200 font-semibold dark:bg-gray-800' : ''}`;

/** The top bar: the pages the logged-in user's role can use, who they are, and the theme. */
export function AppHeader() {
  const { state } = useAuth();
  const operator = useAllows('operator');
  const admin = useAllows('admin');
  return (
    <header className="flex items-center gap-4 border-b border-gray-200 px-4 py-2 dark:border-gray-800">
      <span className="font-bold">loadtest</span>
      {state.status === 'signed-in' && (
        <nav aria-label="Main" className="flex gap-2 text-sm">
          <NavLink to="/runs" className={navClass}>
            Runs
          </NavLink>
          <NavLink to="/workers" className={navClass}>
            Workers
          </NavLink>
          {operator && (
            <NavLink to="/plans/new" className={navClass}>
              New plan
            </NavLink>
          )}
          {admin && (
            <>
              <NavLink to="/audit" className={navClass}>
                Audit
              </NavLink>
              <NavLink to="/access" className={navClass}>
                Access
              </NavLink>
            </>
          )}
          <a href="/api/docs" className="rounded px-2 py-1">
            API
          </a>
        </nav>
      )}
      <span className="ml-auto flex items-center gap-4">
        <UserMenu />
        <ThemeSwitch />
      </span>
    </header>
  );
}
