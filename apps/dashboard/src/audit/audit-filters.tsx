import { AUDIT_ACTIONS, type AuditAction } from '@loadtest/protocol';
import { useState, type FormEvent } from 'react';
import type { AuditFilter } from '../api/audit.js';
import { instantOfLocalInput } from './date-input.js';
import { fieldClass } from '../components/form-classes.js';

/** The audit log's filters: applied together when the form is sent, so typing a name does not ask the API per key. */
export function AuditFilters({ onApply }: { onApply(filter: AuditFilter): void }) {
  const [action, setAction] = useState('');
  const [actor, setActor] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const apply = (event: FormEvent) => {
    event.preventDefault();
    onApply({
      action: (action || undefined) as AuditAction | undefined,
      actor: actor.trim() || undefined,
      since: instantOfLocalInput(since),
      until: instantOfLocalInput(until),
    });
  };
  return (
    <form className="mb-4 flex flex-wrap items-center gap-2 text-sm" aria-label="Filter the audit log" onSubmit={apply}>
      <label htmlFor="audit-action">Action</label>
      <select id="audit-action" className={fieldClass} value={action} onChange={(e) => setAction(e.target.value)}>
        <option value="">any</option>
        {AUDIT_ACTIONS.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
      <label htmlFor="audit-actor">Actor</label>
      <input id="audit-actor" className={fieldClass} value={actor} maxLength={64} onChange={(e) => setActor(e.target.value)} placeholder="username" />
      <label htmlFor="audit-since">Since</label>
      <input id="audit-since" type="datetime-local" className={fieldClass} value={since} onChange={(e) => setSince(e.target.value)} />
      <label htmlFor="audit-until">Until</label>
      <input id="audit-until" type="datetime-local" className={fieldClass} value={until} onChange={(e) => setUntil(e.target.value)} />
      <button type="submit" className="rounded border border-gray-300 px-3 py-1 dark:border-gray-600">
        Apply
      </button>
    </form>
  );
}
