import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { problemCodes } from '../../designer/lint';
import { validateCommand } from '../../designer/validate';
import { loadWorkflowSources, workflowsDirectory } from '../../workflows/definitions';
import { editedTypeCopy, type TypeFolderEdit } from '../support/type-folders';

const keys = loadWorkflowSources().map((source) => source.key);
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'loket-validate-'));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** A copy of one type folder (proof-of-residence unless told) in its own workflows directory, edited; returns that directory. */
function brokenCopy(name: string, edit: TypeFolderEdit, key = 'proof-of-residence'): string {
  return editedTypeCopy(scratch, name, edit, key);
}

function validate(options: { directory?: string; key?: string }) {
  const lines: string[] = [];
  const problems = validateCommand({ ...options, print: (line) => lines.push(line) });
  return { problems, lines };
}

describe('validate', () => {
  test('passes every type of the catalogue with a ✔ per type', () => {
    const { problems, lines } = validate({});
    expect(problems).toBe(0);
    expect(lines).toEqual(keys.map((key) => `✔ ${key}`));
  });

  test('validates a single type', () => {
    expect(validate({ key: 'proof-of-residence' }).lines).toEqual(['✔ proof-of-residence']);
  });

  test('names the code, the type, the state, the problem and the fix; no file path or position', () => {
    const directory = brokenCopy('short-timeout', { workflow: (d) => (d.States.VerifyResidence.TimeoutSeconds = 5 * 86_400) });
    const { problems, lines } = validate({ directory });
    expect(problems).toBe(1);
    expect(lines).toEqual([
      '✘ proof-of-residence',
      '  LOKET_TIMEOUT_MISMATCH proof-of-residence, state "VerifyResidence": times out after 5 days, but type.json declares "expiresAfterDays": 10 for tasks."verify-residence"; remove "TimeoutSeconds" (the timeout follows from "expiresAfterDays") or change type.json',
    ]);
    expect(lines.join('\n')).not.toContain(directory);
  });

  test('reports a path that ends without a final status at the state where it ends', () => {
    const directory = brokenCopy('no-final', { workflow: (d) => (d.States.ResidesInTenant.Choices[0].Next = 'PublishCaseClosed') });
    expect(validate({ directory }).lines[1]).toMatch(
      /^ {2}LOKET_FINAL_STATUS_MISSING proof-of-residence, state "PublishCaseClosed": a path ends here without recording a final status \(LookUpApplicant → ResidesInTenant → PublishCaseClosed\); record one of the final statuses/,
    );
  });

  test('checks type.json against its schema', () => {
    const directory = brokenCopy('bad-type', { type: (t) => (t.statuses[0].final = 'no') });
    expect(validate({ directory }).lines).toEqual([
      '✘ proof-of-residence',
      expect.stringMatching(/^ {2}LOKET_TYPE_SCHEMA proof-of-residence, type\.json "statuses\.0\.final": .*boolean.*; fix it to match workflows\/type\.schema\.json$/),
      '  LOKET_NOT_CHECKED proof-of-residence, workflow.asl.json: not checked until type.json is valid; fix type.json first',
    ]);
  });

  test.each([
    ['missing', undefined, /Invalid input: expected string, received undefined/],
    ['a number, not a string', 1463, /expected string, received number/],
    ['with letters', 'IPDC-1463', /an IPDC product id is a number of up to 10 digits/],
    ['with a leading zero', '01463', /an IPDC product id is a number of up to 10 digits/],
    ['too long', '12345678901', /Too big/],
  ])('reports an ipdcProductId that is %s under its own code', (name, id, message) => {
    const directory = brokenCopy(`ipdc-${name.replace(/\W+/g, '-')}`, { type: (t) => (id === undefined ? delete t.ipdcProductId : (t.ipdcProductId = id)) });
    const { problems, lines } = validate({ directory });
    expect(lines[0]).toBe('✘ proof-of-residence');
    expect(lines[1]).toMatch(/^ {2}LOKET_IPDC_PRODUCT_ID proof-of-residence, type\.json "ipdcProductId": .*; give the id of the type's product in the IPDC/);
    expect(lines[1]).toMatch(message);
    expect(lines.slice(2)).toEqual(['  LOKET_NOT_CHECKED proof-of-residence, workflow.asl.json: not checked until type.json is valid; fix type.json first']);
    expect(problems).toBe(2);
  });

  test("checks the type's example against its inputSchema", () => {
    const directory = brokenCopy('bad-example', { type: (t) => (t.example.data.language = 'fr') });
    expect(validate({ directory }).lines).toEqual([
      '✘ proof-of-residence',
      expect.stringMatching(/^ {2}LOKET_EXAMPLE_INVALID proof-of-residence, type\.json "example\.data\.language": does not match "inputSchema": .*; change the example or the schema$/),
    ]);
  });

  test('checks task names against type.json tasks', () => {
    const directory = brokenCopy('bad-task', { workflow: (d) => (d.States.VerifyResidence.Parameters.Payload.name = 'check') });
    expect(validate({ directory }).lines).toContain(
      '  LOKET_TASK_UNDECLARED proof-of-residence, state "VerifyResidence": creates task "check", which type.json does not declare in "tasks"; declare it or use one of "verify-residence"',
    );
  });

  test('a task that can expire before it falls due', () => {
    // 10 working days can take 14 calendar days; the task expires after 10.
    const directory = brokenCopy('expires-early', { type: (t) => (t.tasks['verify-residence'].dueInWorkingDays = 10) });
    expect(validate({ directory }).lines).toEqual([
      '✘ proof-of-residence',
      '  LOKET_TIMEOUT_BEFORE_DUE proof-of-residence, type.json "tasks.verify-residence.expiresAfterDays": is 10, so the task can expire before it falls due (10 working days can take 14 calendar days); make it at least 14',
    ]);
  });

  test('reports a type.json that is not JSON, with what the parser says and not where the file is', () => {
    const directory = brokenCopy('not-json', {});
    const text = '{ "key": "proof-of-residence", ';
    writeFileSync(join(directory, 'proof-of-residence', 'type.json'), text);
    const parserSays = (() => {
      try {
        JSON.parse(text);
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(validate({ directory }).lines).toEqual([
      '✘ proof-of-residence',
      `  LOKET_JSON_INVALID proof-of-residence, type.json: not valid JSON (${parserSays}); fix the syntax`,
      '  LOKET_NOT_CHECKED proof-of-residence, workflow.asl.json: not checked until type.json is valid; fix type.json first',
    ]);
  });

  test('reports a type.json that is JSON but no object at type.json itself, not at a field', () => {
    const directory = brokenCopy('type-array', {});
    writeFileSync(join(directory, 'proof-of-residence', 'type.json'), '[]');
    expect(validate({ directory }).lines).toEqual([
      '✘ proof-of-residence',
      expect.stringMatching(/^ {2}LOKET_TYPE_SCHEMA proof-of-residence, type\.json: .*object.*; fix it to match workflows\/type\.schema\.json$/),
      '  LOKET_NOT_CHECKED proof-of-residence, workflow.asl.json: not checked until type.json is valid; fix type.json first',
    ]);
  });

  test('reports a missing type.json and a missing workflow', () => {
    const noType = brokenCopy('no-type', {});
    unlinkSync(join(noType, 'proof-of-residence', 'type.json'));
    expect(validate({ directory: noType }).lines).toEqual([
      '✘ proof-of-residence',
      "  LOKET_FILE_MISSING proof-of-residence, type.json: missing; add the type's metadata",
      '  LOKET_NOT_CHECKED proof-of-residence, workflow.asl.json: not checked until type.json is valid; fix type.json first',
    ]);
    const noWorkflow = brokenCopy('no-workflow', {});
    unlinkSync(join(noWorkflow, 'proof-of-residence', 'workflow.asl.json'));
    expect(validate({ directory: noWorkflow }).lines).toEqual(['✘ proof-of-residence', "  LOKET_FILE_MISSING proof-of-residence, workflow.asl.json: missing; add the workflow's definition"]);
  });

  test("checks that the key and the example's type are the folder's name", () => {
    const directory = brokenCopy('bad-key', {
      type: (t) => {
        t.key = 'residence-proof';
        t.example.type = 'residence-proof';
      },
    });
    expect(validate({ directory }).lines).toEqual([
      '✘ proof-of-residence',
      '  LOKET_TYPE_KEY_MISMATCH proof-of-residence, type.json "key": is "residence-proof" but the folder is "proof-of-residence"; make them equal',
      '  LOKET_TYPE_KEY_MISMATCH proof-of-residence, type.json "example.type": is "residence-proof"; set it to "proof-of-residence"',
    ]);
  });

  test('a task without a completion-data schema, and data schemas that admit unbounded values', () => {
    const directory = brokenCopy(
      'unbounded-data',
      {
        type: (t) => {
          delete t.tasks['review-permit'].dataSchema;
          delete t.messages['payment-received'].dataSchema.properties.amount.maximum;
          delete t.inputSchema.properties.zone.maxLength;
        },
      },
      'resident-parking-permit',
    );
    expect(validate({ directory }).lines).toEqual([
      '✘ resident-parking-permit',
      expect.stringMatching(/^ {2}LOKET_TYPE_SCHEMA resident-parking-permit, type\.json "inputSchema\.properties\.zone": a string needs a maxLength; fix it/),
      expect.stringMatching(/^ {2}LOKET_TYPE_SCHEMA resident-parking-permit, type\.json "tasks\.review-permit\.dataSchema": Invalid input: expected record, received undefined; fix it/),
      expect.stringMatching(/^ {2}LOKET_TYPE_SCHEMA resident-parking-permit, type\.json "messages\.payment-received\.dataSchema\.properties\.amount": a number needs a maximum within safe integers; fix it/),
      '  LOKET_NOT_CHECKED resident-parking-permit, workflow.asl.json: not checked until type.json is valid; fix type.json first',
    ]);
  });

  test('a text that names the objection period with other days than type.json declares', () => {
    const directory = brokenCopy(
      'text-days',
      { type: (t) => (t.description.en = t.description.en.replace('objection period of 30 days', 'objection period of 3 days')) },
      'event-permit',
    );
    expect(validate({ directory }).lines).toEqual([
      '✘ event-permit',
      '  LOKET_TEXT_DAYS_MISMATCH event-permit, type.json "description.en": says "3 days" for the objection period, which is 30 days; make them equal',
    ]);
  });

  test('a period declared with other days than the texts say', () => {
    const directory = brokenCopy('period-days', { type: (t) => (t.periods.ObjectionPeriod.days = 3) }, 'event-permit');
    // The workflow's Wait follows the declared period: only the texts disagree.
    expect(validate({ directory }).lines).toEqual([
      '✘ event-permit',
      '  LOKET_TEXT_DAYS_MISMATCH event-permit, type.json "description.nl": says "30 dagen" for the objection period, which is 3 days; make them equal',
      '  LOKET_TEXT_DAYS_MISMATCH event-permit, type.json "description.en": says "30 days" for the objection period, which is 3 days; make them equal',
      expect.stringMatching(/^ {2}LOKET_TEXT_DAYS_MISMATCH event-permit, type\.json "statuses\.3\.citizenText\.nl": says "30 dagen"/),
      expect.stringMatching(/^ {2}LOKET_TEXT_DAYS_MISMATCH event-permit, type\.json "statuses\.3\.citizenText\.en": says "30-day"/),
    ]);
  });

  test('takes as type folders the folders holding a type.json or a workflow, in key order, and names them for an unknown key', () => {
    const directory = join(scratch, 'folders');
    for (const [folder, file] of [['zz-permit', 'type.json'], ['aa-permit', 'workflow.asl.json'], ['notes', undefined]] as const) {
      mkdirSync(join(directory, folder), { recursive: true });
      if (file) writeFileSync(join(directory, folder, file), '{}');
    }
    writeFileSync(join(directory, 'README.md'), '# not a type');
    writeFileSync(join(directory, 'type.json'), '{}');
    expect(validate({ directory }).lines.filter((line) => /^[✔✘]/.test(line))).toEqual(['✘ aa-permit', '✘ zz-permit']);
    expect(validate({ directory, key: 'no-such-type' }).lines).toEqual([
      '✘ no-such-type',
      '  LOKET_TYPE_UNKNOWN no-such-type, workflows: has no folder "no-such-type"; use one of aa-permit, zz-permit',
    ]);
  });

  test('an unknown key is an error', () => {
    const { problems, lines } = validate({ key: 'no-such-type' });
    expect(problems).toBe(1);
    expect(lines[1]).toMatch(/^ {2}LOKET_TYPE_UNKNOWN no-such-type, workflows: has no folder "no-such-type"; use one of .*proof-of-residence/);
  });

  test('a broken document template is reported with the folder’s other problems', () => {
    const directory = brokenCopy('bad-template', {}, 'terrace-permit');
    const file = join(directory, 'terrace-permit', 'document.en.txt');
    writeFileSync(file, `${readFileSync(file, 'utf8')} {{data.terraceAdress}}`);
    expect(validate({ directory }).lines).toEqual(['✘ terrace-permit', expect.stringMatching(/^ {2}LOKET_DOCUMENT_INVALID terrace-permit, document\.en\.txt: .*terraceAdress/)]);
  });

  test('a document template is not checked while type.json is invalid: the template is checked against the type', () => {
    const directory = brokenCopy('bad-type-and-template', { type: (type) => (type.statuses = 'none') }, 'terrace-permit');
    const file = join(directory, 'terrace-permit', 'document.en.txt');
    writeFileSync(file, `${readFileSync(file, 'utf8')} {{data.terraceAdress}}`);
    const { lines } = validate({ directory });
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}LOKET_NOT_CHECKED terrace-permit, workflow\.asl\.json: /));
    expect(lines.filter((line) => line.includes('LOKET_DOCUMENT_INVALID'))).toEqual([]);
  });

  test('every code validate can print is listed in the workflows README, with what it means', () => {
    const readme = readFileSync(join(workflowsDirectory, 'README.md'), 'utf8');
    for (const code of Object.keys(problemCodes)) expect(readme).toContain(`| \`${code}\` |`);
  });
});

/**
 * The mistakes of issue 16, each made in a copy of a shipped type, with the one line validate
 * prints for it: these lines are the table of mistakes and messages.
 */
describe('the mistakes a case would hit are refused before it runs', () => {
  const mistakes: ReadonlyArray<readonly [string, string, TypeFolderEdit, string | readonly string[]]> = [
    [
      'a Choice on a misspelt path ($.inspection.outcom)',
      'terrace-permit',
      { workflow: (d) => (d.States.InspectionOutcome.Choices[0].Variable = '$.inspection.outcom') },
      'LOKET_PATH_UNWRITTEN terrace-permit, state "InspectionOutcome": reads "$.inspection.outcom" in Choices, but no earlier state writes it ("$.inspection" holds "outcome", "completedBy", "taskId"); fix the path, or write it earlier with a ResultPath on every way into this state',
    ],
    [
      'a Choice value that is not one of the task’s outcomes ("granted" where the outcome is "grant")',
      'event-permit',
      { workflow: (d) => (d.States.DecisionOutcome.Choices[0].StringEquals = 'granted') },
      [
        'LOKET_CHOICE_UNKNOWN_OUTCOME event-permit, state "DecisionOutcome": tests "$.decision.outcome" against "granted", which is not one of the outcomes of task "college-decision" ("grant", "refuse"); use one of "grant", "refuse", or declare "granted" in the task\'s "outcomes"',
        'LOKET_OUTCOME_UNHANDLED event-permit, state "DecisionOutcome": no rule handles "grant", one of the outcomes of task "college-decision": it goes to the Default "UnknownOutcome", which fails the case; add a rule for "grant", or remove it from the task\'s "outcomes"',
      ],
    ],
    [
      'a typo in a Parameters path',
      'resident-parking-permit',
      { workflow: (d) => (d.States.RecordRejected.Parameters.Payload.decision['taskId.$'] = '$.reveiw.taskId') },
      'LOKET_PATH_UNWRITTEN resident-parking-permit, state "RecordRejected": reads "$.reveiw.taskId" in Parameters, but no earlier state writes it ("$" holds "caseId", "tenant", "type", "version", "register", "payment", "review"); fix the path, or write it earlier with a ResultPath on every way into this state',
    ],
    [
      'a missing withdrawn status (a citizen’s withdraw then gets a 409)',
      'proof-of-residence',
      { type: (t) => (t.statuses = t.statuses.filter((status: { code: string }) => status.code !== 'withdrawn')) },
      'LOKET_STATUS_REQUIRED proof-of-residence, type.json "statuses": declares no status "withdrawn": a citizen\'s withdrawal would be refused with 409 Conflict; add { "code": "withdrawn", "order": …, "citizenText": { "nl": …, "en": … }, "inform": true, "final": true }',
    ],
    [
      'a missing failed status',
      'proof-of-residence',
      { type: (t) => (t.statuses = t.statuses.filter((status: { code: string }) => status.code !== 'failed')) },
      'LOKET_STATUS_REQUIRED proof-of-residence, type.json "statuses": declares no status "failed": a step that fails could not close the case, which would stay open until an operator looks; add { "code": "failed", "order": …, "citizenText": { "nl": …, "en": … }, "inform": true, "final": true }',
    ],
    [
      'a declared status that nothing uses',
      'change-of-address',
      { type: (t) => t.statuses.splice(3, 0, { code: 'on-hold', order: 9, citizenText: { nl: 'In wacht.', en: 'On hold.' }, inform: true, final: false }) },
      'LOKET_STATUS_UNUSED change-of-address, type.json "statuses.3": declares status "on-hold", which no step records; record it in a step or remove it',
    ],
    [
      'a declared outcome that nothing uses',
      'resident-parking-permit',
      { type: (t) => t.tasks['review-permit'].outcomes.push('refer') },
      'LOKET_OUTCOME_UNHANDLED resident-parking-permit, state "ReviewOutcome": no rule handles "refer", one of the outcomes of task "review-permit": it goes to the Default "UnknownOutcome", which fails the case; add a rule for "refer", or remove it from the task\'s "outcomes"',
    ],
    [
      'a duplicate order',
      'event-permit',
      { type: (t) => (t.statuses[2].order = 2) },
      'LOKET_STATUS_ORDER_DUPLICATE event-permit, type.json "statuses": the statuses "under-advice", "awaiting-decision" all have "order": 2; give each status an order of its own',
    ],
    [
      'a 1-hour timeout on a task due in 10 working days',
      'terrace-permit',
      { workflow: (d) => (d.States.InspectSite.TimeoutSeconds = 3600) },
      'LOKET_TIMEOUT_BEFORE_DUE terrace-permit, state "InspectSite": times out after 1 hour, before task "inspect-site" falls due (type.json: "dueInWorkingDays": 10, which can take 14 calendar days); remove "TimeoutSeconds": the timeout then follows from "expiresAfterDays": 14 of tasks."inspect-site"',
    ],
    [
      'a wait that disagrees with the declared objection period',
      'event-permit',
      { workflow: (d) => (d.States.ObjectionPeriod.Seconds = 3 * 86_400) },
      'LOKET_PERIOD_MISMATCH event-permit, state "ObjectionPeriod": waits 3 days, but type.json declares the objection period as 30 days; remove "Seconds" (the wait follows from "periods") or change "periods"',
    ],
    [
      'a document step in a type whose folder declares no document',
      'resident-parking-permit',
      { type: (t) => delete t.document },
      'LOKET_DOCUMENT_UNDECLARED resident-parking-permit, state "GrantPermit": issues the type\'s document, but type.json declares no "document", so every case would fail here; declare "document" (its kind, title and a template file per language in the folder), or record a final status instead',
    ],
  ];

  test.each(mistakes)('%s', (name, key, edit, told) => {
    const directory = brokenCopy(`mistake-${mistakes.findIndex(([other]) => other === name)}`, edit, key);
    const expected = typeof told === 'string' ? [told] : told;
    const { problems, lines } = validate({ directory });
    expect(lines).toEqual([`✘ ${key}`, ...expected.map((line) => `  ${line}`)]);
    expect(problems).toBe(expected.length);
  });
});
