import { useId, useState, type ChangeEvent, type FormEvent } from 'react';
import { importPlan, type ImportSource } from './import-request.js';
import { ImportProblemList } from './import-problem-list.js';
import { planOrProblems, type ImportProblem } from './import-problems.js';

const inputClass = 'w-full rounded border border-gray-300 bg-transparent px-2 py-1 text-sm dark:border-gray-600';
const buttonClass = 'rounded border border-gray-300 px-2 py-1 text-sm hover:bg-gray-100 disabled:opacity-50 dark:border-gray-700 dark:hover:bg-gray-800';

export interface ImportPanelProps {
  /** The converted plan (v1, not stored): the page lays it out and opens it as the draft. */
  onImported(plan: unknown): void;
  /** Sends the import (the master's endpoints by default); a test gives its own. */
  send?: (source: ImportSource, name?: string) => Promise<unknown>;
}

/**
 * Brings a plan in from what people already have, converted by the master
 * (POST /api/v1/imports/…): a HAR recording, curl command lines, or a plan
 * saved by the old tool. A refused import lists each problem with its field.
 */
export function ImportPanel({ onImported, send = importPlan }: ImportPanelProps) {
  const id = useId();
  const [name, setName] = useState('');
  const [thinkTime, setThinkTime] = useState(false);
  const [commands, setCommands] = useState('');
  const [pending, setPending] = useState<ImportSource['kind'] | null>(null);
  const [problems, setProblems] = useState<{ kind: ImportSource['kind']; list: ImportProblem[] } | null>(null);

  /** The source is made inside the import, so that a file that cannot be read is shown as its problem too. */
  const run = async (kind: ImportSource['kind'], source: () => Promise<ImportSource>) => {
    setPending(kind);
    setProblems(null);
    const result = await planOrProblems(async () => send(await source(), name));
    setPending(null);
    if (result.ok) onImported(result.plan);
    else setProblems({ kind, list: result.problems });
  };

  /** A chosen file is imported at once; the input is cleared so that choosing the same file again imports it again. */
  const fromFile = (kind: 'har' | 'legacy') => (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const file = input.files?.[0];
    if (!file) return;
    input.value = '';
    void run(kind, async () => {
      const text = await file.text();
      return kind === 'har' ? { kind, text, thinkTime } : { kind, text };
    });
  };

  const submitCurl = (event: FormEvent) => {
    event.preventDefault();
    if (commands.trim()) void run('curl', async () => ({ kind: 'curl', commands }));
  };

  const problemList = (kind: ImportSource['kind']) => problems?.kind === kind && <ImportProblemList problems={problems.list} source={kind} />;

  return (
    <section aria-label="Import a plan" className="space-y-3 text-sm" aria-busy={pending !== null}>
      <div>
        <label htmlFor={`${id}-name`} className="block text-xs text-gray-700 dark:text-gray-300">
          Plan name (optional)
        </label>
        <input id={`${id}-name`} className={inputClass} value={name} onChange={(event) => setName(event.target.value)} placeholder="made up from the import" />
      </div>

      <fieldset className="space-y-1 rounded border border-gray-200 p-2 dark:border-gray-700">
        <legend className="px-1 font-semibold">HAR recording</legend>
        <label htmlFor={`${id}-har`} className="block text-xs text-gray-700 dark:text-gray-300">
          HAR file (a browser&apos;s “Save all as HAR”)
        </label>
        <input id={`${id}-har`} type="file" accept=".har,application/json" disabled={pending !== null} onChange={fromFile('har')} />
        <label className="flex items-center gap-1 text-xs">
          <input type="checkbox" checked={thinkTime} onChange={(event) => setThinkTime(event.target.checked)} />
          Add the recorded pauses as think steps
        </label>
        {pending === 'har' && <p aria-live="polite">Importing…</p>}
        {problemList('har')}
      </fieldset>

      <form className="space-y-1 rounded border border-gray-200 p-2 dark:border-gray-700" onSubmit={submitCurl}>
        <label htmlFor={`${id}-curl`} className="block font-semibold">
          curl commands
        </label>
        <textarea
          id={`${id}-curl`}
          className={`${inputClass} font-mono`}
          rows={5}
          value={commands}
          onChange={(event) => setCommands(event.target.value)}
          placeholder={'curl https://shop.example.com/api/login -H \'content-type: application/json\' -d \'{"user":"alice"}\''}
        />
        <button type="submit" className={buttonClass} disabled={pending !== null || commands.trim() === ''}>
          {pending === 'curl' ? 'Importing…' : 'Import curl commands'}
        </button>
        {problemList('curl')}
      </form>

      <fieldset className="space-y-1 rounded border border-gray-200 p-2 dark:border-gray-700">
        <legend className="px-1 font-semibold">Plan saved by the old tool</legend>
        <label htmlFor={`${id}-legacy`} className="block text-xs text-gray-700 dark:text-gray-300">
          Old tool&apos;s plan file ({'{ testPlan, reactFlow }'} JSON)
        </label>
        <input id={`${id}-legacy`} type="file" accept=".json,application/json" disabled={pending !== null} onChange={fromFile('legacy')} />
        {pending === 'legacy' && <p aria-live="polite">Importing…</p>}
        {problemList('legacy')}
      </fieldset>
    </section>
  );
}
