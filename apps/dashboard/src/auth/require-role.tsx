import type { Role } from '@loadtest/protocol';
import type { ReactNode } from 'react';
import { useAllows, useRole } from './auth-context.js';

/** A page only `role` (or a higher one) can use: others are told why instead of being shown a form the master would refuse. */
export function RequireRole({ role, children }: { role: Role; children: ReactNode }) {
  const allowed = useAllows(role);
  const own = useRole();
  if (!allowed)
    return (
      <p role="alert" className="text-amber-800 dark:text-amber-200">
        This page needs the {role} role; you are logged in as {own ?? 'nobody'}.
      </p>
    );
  return <>{children}</>;
}
