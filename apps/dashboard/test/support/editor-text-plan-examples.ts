import { readFileSync } from 'node:fs';

/** docs/plan-format.md: the reference the editor's tests check against. */
const PLAN_FORMAT = readFileSync(new URL('../../../../docs/plan-format.md', import.meta.url), 'utf8');

/** Every example plan of docs/plan-format.md (the blocks marked `<!-- plan: name -->`), as written: name, language and source. */
export function planFormatExamples(): { name: string; language: 'yaml' | 'json'; source: string }[] {
  return [...PLAN_FORMAT.matchAll(/<!-- plan: ([\w-]+) -->\n```(yaml|json)\n([\s\S]*?)\n```/g)].map((m) => ({
    name: m[1]!,
    language: m[2] as 'yaml' | 'json',
    source: m[3]! + '\n',
  }));
}
