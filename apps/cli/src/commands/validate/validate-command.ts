import type { Command } from 'commander';
import { CliError } from '../../cli-error.js';
import { EXIT } from '../../exit-codes.js';
import type { Output } from '../../output/output.js';
import { checkPlanText, formatProblem, readTextFile } from '../../plan-file/read-plan-file.js';

/** `loadtest validate plan.yaml`: every problem with its line, column and field path; exit 0 when the plan is valid. */
export function validateCommand(program: Command, out: Output): void {
  program
    .command('validate')
    .description('check a plan (YAML or JSON) as the master would, and print each problem at its line:column with its field path')
    .argument('<file>', 'the plan file')
    .action(async (file: string) => {
      const result = checkPlanText(await readTextFile(file));
      if (!result.ok) {
        const count = result.problems.length;
        throw new CliError(
          `${file}: ${count} problem${count === 1 ? '' : 's'}, not a valid plan`,
          EXIT.usage,
          result.problems.map((p) => formatProblem(file, p)),
        );
      }
      const steps = result.plan.steps.length;
      out.line(`${out.colors.green('✓')} ${file}: valid plan "${result.plan.name}" (${steps} step${steps === 1 ? '' : 's'}, base URL ${result.plan.baseUrl})`);
    });
}
