import { StoredPlanSchema, writePlanYaml } from '@loadtest/plan';
import { planFromCurl, planFromHar, planFromLegacyDocument, PlanImportError } from '@loadtest/plan-import';
import { formatPath, type Plan } from '@loadtest/protocol';
import { Option, type Command } from 'commander';
import { CliError } from '../../cli-error.js';
import { EXIT } from '../../exit-codes.js';
import type { Output } from '../../output/output.js';
import { readTextFile } from '../../plan-file/read-plan-file.js';
import { nonNegativeInteger } from '../option-values.js';

/** A JSON input file (HAR, the old tool's saved plan); bad JSON is a usage error naming the file. */
function readJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError(`${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`, EXIT.usage);
  }
}

/** Runs a conversion: what cannot be converted is a usage error listing each problem and where (as the master's import routes answer). */
function convert(file: string, run: () => Plan): Plan {
  try {
    return run();
  } catch (error) {
    if (error instanceof PlanImportError)
      // The message repeats the issues on one line; listed one a line, they read better.
      throw new CliError(
        error.issues.length > 0 ? `cannot convert ${file}` : `cannot convert ${file}: ${error.message}`,
        EXIT.usage,
        error.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)),
      );
    throw error;
  }
}

/**
 * Prints the plan as YAML on stdout (so that `loadtest import … > plan.yaml` writes it). A converted plan the master would
 * not store (e.g. a control character in a recorded header) is still printed, to edit, but the problems go to stderr and
 * the exit code is that of an invalid plan.
 */
function printPlan(out: Output, plan: Plan): void {
  out.line(writePlanYaml(plan).trimEnd());
  const stored = StoredPlanSchema.safeParse(plan);
  if (stored.success) return;
  throw new CliError(
    'the converted plan needs editing before the master takes it',
    EXIT.usage,
    stored.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`),
  );
}

const nameOption = () => new Option('--name <name>', "the plan's name (by default one the import makes up)");

/** `loadtest import har|curl|legacy FILE`: converts with @loadtest/plan-import, as the master's /imports routes do, and prints YAML. */
export function importCommand(program: Command, out: Output): void {
  const command = program.command('import').description('convert a HAR recording, curl command lines or an old-tool plan into a plan, printed as YAML');

  command
    .command('har')
    .description('convert a HAR 1.2 recording (a browser\'s "Save all as HAR"): one HTTP step per entry')
    .argument('<file>', 'the .har file')
    .addOption(nameOption())
    .option('--think-time', 'add a think step for each pause between two entries')
    .addOption(new Option('--min-think-ms <ms>', 'with --think-time, leave out shorter pauses').argParser(nonNegativeInteger('--min-think-ms')))
    .option('--keep-cookies', 'keep the recorded cookie headers')
    .action(async (file: string, options: { name?: string; thinkTime?: boolean; minThinkMs?: number; keepCookies?: boolean }) => {
      const har = readJson(file, await readTextFile(file));
      printPlan(
        out,
        convert(file, () => planFromHar(har, options)),
      );
    });

  command
    .command('curl')
    .description('convert curl command lines (one step per command; a line ending with \\ goes on on the next)')
    .argument('<file>', 'a file of curl commands')
    .addOption(nameOption())
    .action(async (file: string, options: { name?: string }) => {
      const text = await readTextFile(file);
      printPlan(
        out,
        convert(file, () => planFromCurl(text, options)),
      );
    });

  command
    .command('legacy')
    .description('convert a plan saved by the old tool ({ testPlan, reactFlow } or the bare testPlan array)')
    .argument('<file>', 'the saved .json file')
    .addOption(nameOption())
    .action(async (file: string, options: { name?: string }) => {
      const document = readJson(file, await readTextFile(file));
      printPlan(
        out,
        convert(file, () => planFromLegacyDocument(document, options)),
      );
    });
}
