import { lintWorkflow } from '../../designer/lint';
import { catalogue } from '../../functions/catalogue/catalogue';
import type { TransactionType } from '../../functions/domain/transaction-type';
import { expandWorkflow } from '../../workflows/definitions';

/**
 * A small workflow for the lint's tests, written as a designer writes one: each test adds one
 * mistake to a workflow that passes the lint and pins what the designer reads.
 */

export const day = 86_400;
export const lambda = 'arn:aws:states:::lambda:invoke';
export const callback = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/**
 * A hedge permit: a clerk checks the request (task "check-hedge", due in 5 working days, expiring
 * after 14), the applicant may be asked for photos (message "photos-supplied"), then the permit is
 * granted or refused.
 */
export function hedgeType(edit: (type: any) => void = () => {}): TransactionType {
  const type = structuredClone(catalogue.find('resident-parking-permit')!) as any;
  type.key = 'hedge-permit';
  type.statuses = type.statuses.filter((status: any) => ['submitted', 'granted', 'withdrawn', 'expired', 'failed'].includes(status.code));
  type.statuses.forEach((status: any, index: number) => (status.order = index + 1));
  type.tasks = { 'check-hedge': { ...type.tasks['review-permit'], outcomes: ['grant'], dueInWorkingDays: 5, expiresAfterDays: 14 } };
  type.messages = {};
  type.periods = {};
  delete type.document;
  edit(type);
  return type;
}

/** A Loket step as a designer writes it (the loader adds its Retry and its Catch into the failure recorder). */
export const step = (fn: string, payload: Record<string, unknown>, fields: Record<string, unknown> = {}) => ({
  Type: 'Task',
  Resource: lambda,
  Parameters: { FunctionName: `\${${fn}FunctionArn}`, Payload: { 'caseId.$': '$.caseId', ...payload } },
  ResultPath: null,
  ...fields,
});

export const recordGranted = step('RecordStatus', { status: 'granted' }, { ResultSelector: { 'status.$': '$.Payload.status' }, ResultPath: '$.closed', Next: 'PublishCaseClosed' });
export const recordExpired = step('RecordStatus', { status: 'expired' }, { ResultSelector: { 'status.$': '$.Payload.status' }, ResultPath: '$.closed', Next: 'PublishCaseClosed' });
export const checkHedge = (fields: Record<string, unknown> = {}) =>
  step('CreateTask', { name: 'check-hedge', 'taskToken.$': '$$.Task.Token' }, {
    Resource: callback,
    ResultPath: '$.check',
    Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'RecordExpired' }],
    Next: 'RecordGranted',
    ...fields,
  });

/** A message the applicant may be asked for: photos of the hedge, within 30 days. */
export const photosSupplied = { description: { nl: "Foto's van de haag.", en: 'Photos of the hedge.' }, dataSchema: { type: 'object', additionalProperties: false }, expiresAfterDays: 30 };

/** A step with more in its Payload. */
export const withPayload = (state: Record<string, any>, payload: Record<string, unknown>) => ({ ...state, Parameters: { ...state.Parameters, Payload: { ...state.Parameters.Payload, ...payload } } });

/** A Task of another service than Lambda (SNS): the loader adds no Retry to it, and its result holds anything. */
export const publish = (topic: string, fields: Record<string, unknown> = {}, message = '$.caseId') => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::sns:publish',
  Parameters: { TopicArn: `arn:aws:sns:eu-west-1:000000000000:${topic}`, 'Message.$': message },
  ResultPath: null,
  ...fields,
});

/** The hedge permit's workflow: check, then grant; the check expires into "expired". */
export const hedgeWorkflow = (states: Record<string, unknown> = {}): { StartAt: string; States: Record<string, unknown> } => ({
  StartAt: 'CheckHedge',
  States: { CheckHedge: checkHedge(), RecordGranted: recordGranted, RecordExpired: recordExpired, ...states },
});

/** Lints a workflow as validate does: expanded by the loader, then, when told, edited the way a designer overrides what the loader wrote. */
export function lint(written: Record<string, any>, type = hedgeType(), afterExpansion: (definition: any) => void = () => {}): string[] {
  // A copy: the loader's standard ends are shared objects.
  const definition = structuredClone(expandWorkflow(written, type)) as any;
  afterExpansion(definition);
  return lintWorkflow(JSON.stringify(definition), type);
}
