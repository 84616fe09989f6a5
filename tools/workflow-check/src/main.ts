import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkRepository } from './check.js';
import { formatProblem } from './problem.js';

/**
 * `npm run workflows:check [repository]`: every file of .github/workflows against the schema and our rules; exit 1 with
 * each problem named. The repository is this one unless given (the tests give a broken copy).
 */
const ROOT = process.argv[2] ? resolve(process.argv[2]) : fileURLToPath(new URL('../../../', import.meta.url));

const { files, problems } = checkRepository(ROOT);
for (const p of problems) process.stdout.write(`${formatProblem(p)}\n`);
process.stdout.write(`${files.length} workflow files, ${problems.length} problems\n`);
process.exitCode = problems.length > 0 ? 1 : 0;
