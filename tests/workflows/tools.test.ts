import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWorkflowSources, workflowsDirectory } from '../../workflows/definitions';
import { writeDiagram } from '../../designer/diagram';
import { checkRunOptions, runWorkflow } from '../../designer/run';
import { readTransactionType } from '../../workflows/type-loader';
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

  test('labels a waiting step with the status it records before it waits', () => {
    const svg = readFileSync(writeDiagram('resident-parking-permit', { out: join(scratch, 'diagrams', 'waiting') }).svg, 'utf8');
    expect(svg).toContain('task &quot;review-permit&quot;; records &quot;under-review&quot;');
    expect(svg).toContain('awaits message &quot;payment-received&quot;; records &quot;awaiting-payment&quot;');
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
    expect(report.path.map((step) => step.state)).toEqual(['LookUpApplicant', 'ResidesInTenant', 'IssueCertificate']);
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
