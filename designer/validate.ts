import { validateWorkflows } from './lint';

/**
 * `validate [key]`: checks one type or every type folder and prints `✔ <key>` per valid type
 * and one line per problem otherwise. Returns the number of problems (the CLI's exit status
 * is non-zero when there are any).
 */
export function validateCommand(options: { key?: string; directory?: string; print?: (line: string) => void } = {}): number {
  const print = options.print ?? console.log;
  let problems = 0;
  for (const result of validateWorkflows({ directory: options.directory, key: options.key })) {
    if (result.problems.length === 0) {
      print(`✔ ${result.key}`);
      continue;
    }
    print(`✘ ${result.key}`);
    for (const problem of result.problems) print(`  ${problem}`);
    problems += result.problems.length;
  }
  return problems;
}
