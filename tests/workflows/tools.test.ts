import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWorkflowSources, workflowsDirectory } from '../../workflows/definitions';
import { writeDiagram } from '../../designer/diagram';
import { checkRunOptions, runWorkflow } from '../../designer/run';
import { readTransactionType } from '../../workflows/type-loader';
import { validateCommand } from '../../designer/validate';
import { editedTypeCopy, type TypeFolderEdit } from '../support/type-folders';
import { loadMachine, statesOf, type Machine } from '../../designer/workflow-graph';

/**
 * Well-formedness of the XML the diagram writes (no dependency for it): every tag closes in
 * order, attributes are quoted, and text holds only the predefined entities.
 */
function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
  const token = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos);)/g;
  for (const match of body.matchAll(token)) {
    const [whole, closing, name, , selfClosing] = match;
    if (whole === '<' || whole === '&') problems.push(`stray '${whole}' at ${match.index}`);
    else if (closing) {
      if (open.pop() !== name) problems.push(`unexpected </${name}> at ${match.index}`);
    } else if (!selfClosing) open.push(name as string);
  }
  if (open.length > 0) problems.push(`unclosed <${open.join('>, <')}>`);
  if (!body.startsWith('<svg')) problems.push('the root element is not <svg>');
  return problems;
}

const keys = loadWorkflowSources().map((source) => source.key);
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'loket-workflows-'));
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

  test('names the file, the state, the problem and the fix', () => {
    const directory = brokenCopy('no-timeout', { type: (t) => delete t.tasks['verify-residence'].expiresAfterDays });
    const { problems, lines } = validate({ directory });
    expect(problems).toBe(1);
    expect(lines).toEqual([
      '✘ proof-of-residence',
      `  ${join(directory, 'proof-of-residence', 'workflow.asl.json')}: state "VerifyResidence": waits for a task token without TimeoutSeconds; add "TimeoutSeconds" and a Catch for "States.Timeout"`,
    ]);
  });

  test('reports a path that ends without a final status at the state where it ends', () => {
    const directory = brokenCopy('no-final', {
      workflow: (d) => {
        d.States.RegisterConfirmsResidence.Next = 'PublishCaseClosed';
      },
    });
    const { lines } = validate({ directory });
    expect(lines[1]).toMatch(/workflow\.asl\.json: state "PublishCaseClosed": a path ends here without recording a final status \(LookUpApplicant → ResidesInTenant → RegisterConfirmsResidence → PublishCaseClosed\); record one of the final statuses/);
  });

  test('checks type.json against its schema', () => {
    const directory = brokenCopy('bad-type', { type: (t) => (t.statuses[0].final = 'no') });
    const { lines } = validate({ directory });
    expect(lines).toEqual([
      '✘ proof-of-residence',
      expect.stringMatching(/type\.json: "statuses\.0\.final": .*boolean.*; fix it to match transactionTypeSchema/),
      expect.stringMatching(/workflow\.asl\.json: not checked until .*type\.json is valid$/),
    ]);
  });

  test("checks the type's example against its inputSchema", () => {
    const directory = brokenCopy('bad-example', { type: (t) => (t.example.data.language = 'fr') });
    const { lines } = validate({ directory });
    expect(lines).toEqual(['✘ proof-of-residence', expect.stringMatching(/type\.json: "example\.data\.language" does not match "inputSchema": .*; change the example or the schema$/)]);
  });

  test('checks task names against type.json tasks', () => {
    const directory = brokenCopy('bad-task', { workflow: (d) => (d.States.VerifyResidence.Parameters.Payload.name = 'check') });
    // The task's timeout, which follows from the declared task, is missing as well.
    expect(validate({ directory }).lines).toContainEqual(
      expect.stringMatching(/workflow\.asl\.json: state "VerifyResidence": creates task "check", which type\.json does not declare in "tasks"; declare it or use one of "verify-residence"$/),
    );
  });

  test('reports a type.json that is not JSON', () => {
    const directory = brokenCopy('not-json', {});
    writeFileSync(join(directory, 'proof-of-residence', 'type.json'), '{ "key": "proof-of-residence", ');
    expect(validate({ directory }).lines).toEqual([
      '✘ proof-of-residence',
      expect.stringMatching(/type\.json: not valid JSON \(.+\); fix the syntax$/),
      expect.stringMatching(/workflow\.asl\.json: not checked until .*type\.json is valid$/),
    ]);
  });

  test('reports a missing type.json and a missing workflow', () => {
    const noType = brokenCopy('no-type', {});
    unlinkSync(join(noType, 'proof-of-residence', 'type.json'));
    expect(validate({ directory: noType }).lines).toEqual([
      '✘ proof-of-residence',
      expect.stringMatching(/type\.json: missing; add the type's metadata$/),
      expect.stringMatching(/workflow\.asl\.json: not checked until .*type\.json is valid$/),
    ]);
    const noWorkflow = brokenCopy('no-workflow', {});
    unlinkSync(join(noWorkflow, 'proof-of-residence', 'workflow.asl.json'));
    expect(validate({ directory: noWorkflow }).lines).toEqual(['✘ proof-of-residence', expect.stringMatching(/workflow\.asl\.json: missing; add the workflow's definition$/)]);
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
      expect.stringMatching(/type\.json: "key" is "residence-proof" but the folder is "proof-of-residence"; make them equal$/),
      expect.stringMatching(/type\.json: "example\.type" is "residence-proof"; set it to "proof-of-residence"$/),
    ]);
  });

  test('a task that can expire before it falls due', () => {
    // 10 working days can take 14 calendar days; the task expires after 10.
    const directory = brokenCopy('expires-early', { type: (t) => (t.tasks['verify-residence'].dueInWorkingDays = 10) });
    expect(validate({ directory }).lines).toEqual([
      '✘ proof-of-residence',
      expect.stringMatching(
        /type\.json: "tasks\.verify-residence\.expiresAfterDays" is 10, so the task can expire before it falls due \(10 working days can take 14 calendar days\); make it at least 14$/,
      ),
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
      expect.stringMatching(/type\.json: "inputSchema\.properties\.zone": a string needs a maxLength; fix it/),
      expect.stringMatching(/type\.json: "tasks\.review-permit\.dataSchema": Invalid input: expected record, received undefined; fix it/),
      expect.stringMatching(/type\.json: "messages\.payment-received\.dataSchema\.properties\.amount": a number needs a maximum within safe integers; fix it/),
      expect.stringMatching(/workflow\.asl\.json: not checked until .*type\.json is valid$/),
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
      expect.stringMatching(/type\.json: "description\.en" says "3 days" for the objection period, which is 30 days; make them equal$/),
    ]);
  });

  test('a period declared with other days than the texts say', () => {
    const directory = brokenCopy('period-days', { type: (t) => (t.periods.ObjectionPeriod.days = 3) }, 'event-permit');
    const { lines } = validate({ directory });
    expect(lines).toEqual(
      expect.arrayContaining([
        // The workflow's Wait follows the declared period: only the texts disagree.
        expect.stringMatching(/type\.json: "description\.nl" says "30 dagen" for the objection period, which is 3 days; make them equal$/),
      ]),
    );
  });

  test('an unknown key is an error', () => {
    const { problems, lines } = validate({ key: 'no-such-type' });
    expect(problems).toBe(1);
    expect(lines[1]).toMatch(/no such transaction type folder; use one of .*proof-of-residence/);
  });
});

describe('diagram', () => {
  test.each(keys)('%s: a well-formed SVG and a Mermaid flowchart naming every state', (key) => {
    const files = writeDiagram(key, { out: join(scratch, 'diagrams', key) });
    expect(files).toEqual({ svg: join(scratch, 'diagrams', `${key}.svg`), mermaid: join(scratch, 'diagrams', `${key}.mmd`) });
    const svg = readFileSync(files.svg, 'utf8');
    const mermaid = readFileSync(files.mermaid, 'utf8');
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toMatch(/<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(mermaid.startsWith('flowchart TD\n')).toBe(true);
    const machine = JSON.parse(readFileSync(join(workflowsDirectory, key, 'workflow.asl.json'), 'utf8')) as Machine;
    for (const [name] of statesOf(machine)) {
      expect(svg).toContain(`data-state="${name}"`);
      expect(mermaid).toContain(`<b>${name}</b>`);
    }
  });

  test('the well-formedness check itself catches broken XML', () => {
    expect(xmlProblems('<svg><g><text>a & b</text></svg>')).toEqual(["stray '&' at 16", 'unexpected </svg> at 26', 'unclosed <svg>']);
  });

  test('highlights the states that record a final status and labels choices, catches and timeouts', () => {
    const files = writeDiagram('proof-of-residence', { out: join(scratch, 'diagrams', 'highlight') });
    const svg = readFileSync(files.svg, 'utf8');
    expect(svg).toMatch(/<g class="state final" data-state="RecordRejected">/);
    expect(svg).toMatch(/<g class="state final" data-state="IssueCertificate">/);
    expect(svg).toMatch(/<g class="state plain" data-state="RecordUnderReview">/);
    expect(svg).toContain('review.outcome == &quot;approve&quot;');
    expect(svg).toContain('>timeout</text>');
    // Catch-alls into the failure path are noted on the box rather than drawn across the picture.
    expect(svg).toContain('on error → RecordFailed</text>');
    expect(svg).not.toMatch(/<path[^>]*><title>LookUpApplicant → RecordFailed/);
    expect(readFileSync(files.mermaid, 'utf8')).toMatch(/-\.->\|"timeout"\|/);
  });
});

describe('run', () => {
  /** Runs a case with the lines it prints and how long it took. */
  async function run(options: Omit<Parameters<typeof runWorkflow>[0], 'print'>) {
    const lines: string[] = [];
    const started = Date.now();
    const report = await runWorkflow({ timeoutMs: 60_000, ...options, print: (line) => lines.push(line) });
    return { report, lines, seconds: (Date.now() - started) / 1000 };
  }

  test('proof-of-residence runs through the local stack to a final status and prints its path', async () => {
    const { report, lines } = await run({ key: 'proof-of-residence' });
    expect(report.reachedFinalStatus).toBe(true);
    expect(report.status).toEqual({ code: 'issued', final: true, citizenText: expect.objectContaining({ nl: expect.any(String), en: expect.any(String) }) });
    expect(report.path.map((step) => step.state)).toEqual(['LookUpApplicant', 'ResidesInTenant', 'RegisterConfirmsResidence', 'IssueCertificate', 'PublishCaseClosed']);
    expect(report.errors).toEqual([]);
    expect(lines).toContain('Final status: issued (execution SUCCEEDED)');
    expect(lines).toContain('  en: Your proof of residence is ready.');
  }, 90_000);

  test('refuses unknown task, outcome, message and status names before anything runs, listing the valid ones', async () => {
    const { report, lines, seconds } = await run({
      key: 'event-permit',
      outcomes: { 'college-decison': 'grant', 'police-advice': ['objectoin'] },
      messages: { 'payment-received': {} },
      expire: ['board-decision'],
      withdrawAt: 'granted',
    });
    expect(report.refused).toEqual([
      '--outcomes: event-permit has no task "college-decison"; its tasks are "police-advice", "fire-service-advice", "mobility-advice", "college-decision"',
      '--outcomes: task "police-advice" has no outcome "objectoin"; its outcomes are "no-objection", "conditions", "objection"',
      '--messages: event-permit awaits no message "payment-received"; its messages are none',
      '--expire: event-permit has no task or message "board-decision"; its tasks are "police-advice", "fire-service-advice", "mobility-advice", "college-decision" and its messages none',
      '--withdraw: "granted" is not a status a case can be withdrawn in; use one of "submitted", "under-advice", "awaiting-decision", "objection-period"',
    ]);
    expect(lines).toEqual([...(report.refused ?? []), 'Nothing was run.']);
    expect(report.caseId).toBeUndefined();
    expect(seconds).toBeLessThan(5);
  });

  test("checks message data against the message's dataSchema and refuses a task both completed and expired", () => {
    const type = readTransactionType(workflowsDirectory, 'resident-parking-permit');
    const machine = loadMachine(workflowsDirectory, 'resident-parking-permit');
    const problems = checkRunOptions(type, machine, {
      key: 'resident-parking-permit',
      messages: { 'payment-received': { amount: 'ten', reference: 'RP-1' } },
      outcomes: { 'review-permit': 'approve' },
      expire: ['review-permit'],
    });
    expect(problems).toEqual([
      expect.stringMatching(/^--messages: the data of "payment-received" does not match its dataSchema at "amount": /),
      '--expire: task "review-permit" is also given an outcome; leave it out of --outcomes',
    ]);
    expect(checkRunOptions(type, machine, { key: 'resident-parking-permit', outcomes: { 'review-permit': type.tasks['review-permit']!.outcomes } })).toEqual([]);
  });
});
