import { NavLink } from 'react-router';
import { useAllows, useAuth } from '../auth/auth-context.js';

const navClass = ({ isActive }: { isActive: boolean }) => `rounded px-2 py-1 focus:outline-2 ${isActive ? 'bg-gray-200 font-semibold dark:bg-gray-800' : ''}`;

/** The pages the logged-in user's role can use (none before login). */
export function MainNav() {
  const { state } = useAuth();
  const operator = useAllows('operator');
  const admin = useAllows('admin');
  if (state.status !== 'signed-in') return null;
  return (
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
  );
}
