import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCase, runStackOptions, type RunOptions } from '../../designer/run';
import { writeDiagram } from '../../designer/diagram';
import { validateWorkflows } from '../../designer/lint';
import { startTestStack, type TestStack } from '../support/test-stack';
import { editedTypeCopy } from '../support/type-folders';

/*
 * A workflow written in JSONata runs on the local engine as on AWS, and the designer's tools take
 * it: the proof of residence, rewritten in JSONata (written-in-jsonata/), in a type folder of its own,
 * validated and run through every end: straight through, a clerk's review, an expiry, and a step
 * failure that the loader's JSONata catcher takes to the failure recorder.
 */
const written = JSON.parse(readFileSync(new URL('./written-in-jsonata/proof-of-residence.asl.json', import.meta.url), 'utf8'));
const key = 'proof-of-residence';
/** Lives in Gent, where the runs apply: the register confirms the residence. */
const gentResident = { insz: '85073003328' };
/** Lives in Aalst: a clerk verifies. */
const aalstResident = { insz: '17073003384' };

let stack: TestStack;
let scratch: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'loket-jsonata-'));
  stack = await startTestStack({ ...runStackOptions, logLevel: 'SILENT' });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** A copy of the proof of residence's folder whose workflow is the JSONata one, edited. */
function jsonataFolder(name: string, edit: (definition: any) => void = () => {}): string {
  return editedTypeCopy(scratch, name, { workflow: (definition) => {
    for (const field of Object.keys(definition)) delete definition[field];
    Object.assign(definition, structuredClone(written));
    edit(definition);
  } }, key);
}

async function run(options: Omit<RunOptions, 'print' | 'key'>) {
  const lines: string[] = [];
  const report = await runCase(stack, stack.signingKey, { key, timeoutMs: 60_000, ...options, print: (line) => lines.push(line) });
  return { report, lines };
}

const example = (applicant: { insz: string }) => ({ type: key, applicant, data: { purpose: 'school registration', language: 'nl' } });

test('validate takes the JSONata workflow as it is', () => {
  expect(validateWorkflows({ directory: jsonataFolder('validate'), key })).toEqual([{ key, problems: [] }]);
});

test('the diagram draws it as it draws the JSONPath one: final statuses, the tasks, Conditions and the timeout', () => {
  const files = writeDiagram(key, { directory: jsonataFolder('diagram'), out: join(scratch, 'diagrams', key) });
  const svg = readFileSync(files.svg, 'utf8');
  expect(svg).toMatch(/<g class="state final" data-state="RecordRejected">/);
  expect(svg).toMatch(/<g class="state final" data-state="IssueCertificate">/);
  expect(svg).toMatch(/<g class="state plain" data-state="RecordUnderReview">/);
  expect(svg).toContain('task &quot;verify-residence&quot;');
  expect(svg).toContain('$states.input.review.outcome = &apos;approve&apos;');
  expect(svg).toContain('>timeout</text>');
  expect(svg).toContain('on error → RecordFailed</text>');
});

test('straight through: the register confirms the residence and the certificate is issued', async () => {
  const { report } = await run({ directory: jsonataFolder('straight'), input: example(gentResident) });
  expect(report.status?.code).toBe('issued');
  expect(report.executionStatus).toBe('SUCCEEDED');
  expect(report.path.map((step) => step.state)).toEqual(['LookUpApplicant', 'ResidesInTenant', 'RegisterConfirmsResidence', 'IssueCertificate']);
  expect(report.errors).toEqual([]);
}, 90_000);

test("a clerk's review: rejected, with the decision taken from the task's answer", async () => {
  const { report } = await run({ directory: jsonataFolder('review'), input: example(aalstResident), outcomes: { 'verify-residence': 'reject' } });
  expect(report.status?.code).toBe('rejected');
  expect(report.executionStatus).toBe('SUCCEEDED');
  expect(report.path.map((step) => step.state)).toEqual(['LookUpApplicant', 'ResidesInTenant', 'RecordUnderReview', 'VerifyResidence', 'ReviewOutcome', 'RecordRejected']);
}, 90_000);

test("an expiry: the Catch's Output keeps the case, so the expiry is recorded", async () => {
  const { report } = await run({ directory: jsonataFolder('expiry'), input: example(aalstResident), expire: ['verify-residence'] });
  expect(report.status?.code).toBe('expired');
  expect(report.path).toEqual(expect.arrayContaining([expect.objectContaining({ state: 'VerifyResidence', detail: expect.stringMatching(/→ timed out$/) }), expect.objectContaining({ state: 'RecordExpired' })]));
}, 90_000);

test("a step's failure goes through the loader's JSONata catcher to the failure recorder, which names the state", async () => {
  const directory = jsonataFolder('failure', (d) => (d.States.RecordUnderReview.Arguments.Payload.status = 'under-reviw'));
  const { report, lines } = await run({ directory, input: example(aalstResident) });
  expect(report.status?.code).toBe('failed');
  expect(report.path.map((step) => step.state)).toEqual(expect.arrayContaining(['RecordUnderReview', 'RecordFailed']));
  expect(report.errors?.filter((error) => !error.ended)[0]).toEqual({ state: 'RecordUnderReview', error: expect.any(String), cause: expect.stringContaining('under-reviw'), ended: false });
  expect(lines).toContain(`  in "RecordUnderReview": DomainError: status 'under-reviw' is not declared by type '${key}'`);
  const failed = await stack.call('GET', `/v1/cases/${report.caseId}`, { token: await stack.token({ tenant: '44021', roles: ['clerk'] }) });
  expect(JSON.stringify(failed.body)).toContain('RecordUnderReview');
}, 90_000);
