import { fromJSONSchema, type ZodType } from 'zod';
import * as z from './zod';
import { documentDeclarationSchema } from './document-declaration';

// The schemas here are built by `built`: a function bundle that validates no type (every one but
// the catalogue's, which read types as the build validated them) leaves them out and does not build
// them at its cold start (see functions/api/api.schemas.ts).
const built = /* @__NO_SIDE_EFFECTS__ */ <T>(make: () => T): T => make();

const text = built(() => z.string().check(z.minLength(1), z.maxLength(2000)));
/** A text in Dutch and English, as a type's titles, descriptions and status texts are. */
export const localizedTextSchema = built(() => z.strictObject({ nl: text, en: text }));
const name = built(() => z.string().check(z.minLength(1), z.maxLength(100)));
/** A type's key, version and a task's outcomes: what a case or a task names of its type, which the API's views share. */
export const typeKeySchema = built(() => z.string().check(z.maxLength(100), z.regex(/^[a-z][a-z0-9-]*$/)));
export const typeVersionSchema = built(() => z.number().check(z.int(), z.positive(), z.lte(10_000)));
export const outcomesSchema = built(() => z.array(name).check(z.minLength(1), z.maxLength(20)));
/** Calendar or working days a figure of a type may span: ten years at most. */
const days = built(() => z.number().check(z.int(), z.positive(), z.lte(3660)));

/** A JSON Schema a designer wrote (of a case's, a message's or a completion's data); it must bound every value it admits. */
const dataSchema = built(() => z.record(z.string().check(z.maxLength(100)), z.unknown()).check(z.superRefine((schema, context) => {
  for (const problem of unboundedPartsOf(schema)) context.addIssue({ code: 'custom', path: [...problem.path], message: problem.message });
})));
export type LocalizedText = z.infer<typeof localizedTextSchema>;
export type Language = keyof LocalizedText;

const statusSchema = built(() => z.strictObject({
  code: z.string().check(z.maxLength(50), z.regex(/^[a-z][a-z-]*$/)),
  order: z.number().check(z.int(), z.positive(), z.lte(1000)),
  citizenText: localizedTextSchema,
  /** Whether the applicant is informed when the case enters this status. */
  inform: z.boolean(),
  final: z.boolean(),
}));

const taskDefinitionSchema = built(() => z.strictObject({
  role: name,
  outcomes: outcomesSchema,
  dueInWorkingDays: days,
  /**
   * Calendar days after which the workflow stops waiting for the task (its TimeoutSeconds)
   * and takes its expiry path; the workflow lint holds the ASL to it.
   */
  expiresAfterDays: z.optional(days),
  title: localizedTextSchema,
  /** JSON Schema of the `data` a completion may carry; a completion whose data does not match is refused. */
  dataSchema,
}));

const messageDefinitionSchema = built(() => z.strictObject({
  description: localizedTextSchema,
  /** JSON Schema of the message's `data`. */
  dataSchema,
  /** Calendar days the workflow waits for the message (e.g. a payment window) before its expiry path. */
  expiresAfterDays: z.optional(days),
}));

/** A fixed period the workflow waits out (a Wait state), such as an objection period. */
const periodSchema = built(() => z.strictObject({
  days,
  /** What the period is called, as the type's texts name it (e.g. "bezwaartermijn", "objection period"). */
  description: localizedTextSchema,
}));

/**
 * An IPDC product id as the DOSIS dossier model carries it (`Producten[].Id`): the numeric id of
 * an IPDC product. (Whether DOSIS also takes the UUIDs of the newer catalogue could not be
 * confirmed from its public documentation.)
 */
export const ipdcProductIdSchema = built(() => z.string().check(z.maxLength(10), z.regex(/^[1-9][0-9]*$/, 'an IPDC product id is a number of up to 10 digits, without leading zeros, written as a string')));

/** The metadata of one version of a transaction type, as written in `workflows/<key>/type.json`. */
export const transactionTypeSchema = built(() => z.strictObject({
  /** The JSON Schema an editor checks the file against (`../type.schema.json`); the catalogue ignores it. */
  $schema: z.optional(z.string().check(z.maxLength(200))),
  key: typeKeySchema,
  version: typeVersionSchema,
  /**
   * Whether cases may be moved to this version from another (`npm run workflows -- migrate`):
   * its workflow then begins with the entry state a moved case resumes through, which costs
   * each of its cases one state transition. Absent: no, except for the versions published
   * before this was a choice (functions/domain/migration, `movedCasesTakenUpTo`).
   */
  takesMovedCases: z.optional(z.boolean()),
  title: localizedTextSchema,
  description: localizedTextSchema,
  sdgProcedure: z.optional(z.string().check(z.maxLength(100))),
  /**
   * The type's product in the IPDC, the Flemish catalogue of products and services (Inventaris
   * Publieke Dienstverlening): the citizen's case overview (DOSIS) files the case under it.
   */
  ipdcProductId: ipdcProductIdSchema,
  applicantKinds: z.array(z.enum(['citizen', 'business'])).check(z.minLength(1), z.maxLength(2)),
  inputSchema: dataSchema,
  example: z.strictObject({ type: z.string().check(z.maxLength(100)), applicant: z.unknown(), data: z.unknown() }),
  statuses: z.array(statusSchema).check(z.minLength(2), z.maxLength(50)),
  roles: z.array(name).check(z.maxLength(50)),
  tasks: z.record(z.string().check(z.maxLength(100)), taskDefinitionSchema),
  /** Messages the workflow may wait for, by name. */
  messages: z._default(z.record(z.string().check(z.maxLength(100)), messageDefinitionSchema), {}),
  /** Fixed periods in calendar days, by the name of the Wait state that waits them out. */
  periods: z._default(z.record(z.string().check(z.maxLength(100)), periodSchema), {}),
  /** The document (certificate, permit) the type's cases may end with, written from templates in its folder. */
  document: z.optional(documentDeclarationSchema),
  legalDeadline: z.strictObject({ days, kind: z.enum(['calendar', 'working']) }),
  /** Whether a case may be suspended, and for how many calendar days at most in all (its execution's timeout counts them). */
  suspension: z.strictObject({ allowed: z.boolean(), maxDays: z.optional(z.number().check(z.int(), z.positive(), z.lte(365))) }),
  extension: z.strictObject({ allowed: z.boolean(), maxDays: z.number().check(z.int(), z.nonnegative(), z.lte(365)), times: z.number().check(z.int(), z.nonnegative(), z.lte(10)) }),
  confidentiality: z.enum(['public', 'internal', 'confidential', 'secret']),
  retention: z.strictObject({ years: z.number().check(z.int(), z.positive(), z.lte(100)), action: z.enum(['destroy', 'keep']) }),
  fee: z.strictObject({ amount: z.number().check(z.nonnegative(), z.lte(100_000)), currency: z.literal('EUR') }),
}).check(z.superRefine((type, context) => {
  const codes = type.statuses.map((status) => status.code);
  if (new Set(codes).size !== codes.length) context.addIssue({ code: 'custom', message: 'status codes must be unique' });
  if (codes[0] !== 'submitted') context.addIssue({ code: 'custom', message: "the first status must be 'submitted'" });
  for (const [name, task] of Object.entries(type.tasks)) {
    if (!type.roles.includes(task.role)) {
      context.addIssue({ code: 'custom', message: `task '${name}' uses role '${task.role}' not listed in roles` });
    }
  }
})));

export type TransactionType = z.infer<typeof transactionTypeSchema>;
export type StatusDefinition = TransactionType['statuses'][number];
export type TaskDefinition = TransactionType['tasks'][string];

export function findStatus(type: TransactionType, code: string): StatusDefinition | undefined {
  return type.statuses.find((status) => status.code === code);
}

export type MessageDefinition = TransactionType['messages'][string];

/** The validators built so far, by the schema they were built from: a type version's schemas never change. */
const validators = new WeakMap<Record<string, unknown>, ZodType>();

/**
 * The validator of a JSON Schema a designer wrote, built the first time the schema is asked for
 * and kept while the schema is: building one took 0.1–0.6 ms of each submission, completion and
 * message, checking the data with it a few microseconds (issue 14). It is zod's classic build,
 * the only one that reads JSON Schema: the four functions that check a designer's data load it.
 */
export function schemaValidator(schema: Record<string, unknown>): ZodType {
  let validator = validators.get(schema);
  if (!validator) {
    validator = fromJSONSchema(schema as Parameters<typeof fromJSONSchema>[0]);
    validators.set(schema, validator);
  }
  return validator;
}

/** The validator of a type's `data`, from the JSON Schema its designer wrote. */
export function dataValidator(type: TransactionType): ZodType {
  return schemaValidator(type.inputSchema);
}

/** A part of a designer's JSON Schema that admits unbounded values, with where it is. */
export interface UnboundedPart {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

const schemaKeywordsWithSchemas = ['items', 'additionalItems', 'not', 'if', 'then', 'else', 'contains'] as const;
const schemaKeywordsWithSchemaLists = ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const;
const schemaKeywordsWithSchemaMaps = ['properties', 'patternProperties', '$defs', 'definitions'] as const;

/**
 * The parts of a JSON Schema that admit values without bound: a number without a minimum and
 * a maximum within safe integers, a string without maxLength (or enum, const), an array
 * without maxItems, an object open to any further property. What a designer's schema admits is
 * stored, shown and handed to workflows, so every value it admits must be bounded.
 */
export function unboundedPartsOf(schema: unknown, path: readonly (string | number)[] = []): UnboundedPart[] {
  if (schema === true) return [{ path, message: '`true` admits any value; describe the value with bounds' }];
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return [];
  const node = schema as Record<string, unknown>;
  const problems: UnboundedPart[] = [];
  const types = Array.isArray(node.type) ? node.type : [node.type];
  const fixed = 'enum' in node || 'const' in node;
  const safe = (value: unknown) => typeof value === 'number' && Math.abs(value) <= Number.MAX_SAFE_INTEGER;
  if (!fixed && (types.includes('number') || types.includes('integer'))) {
    if (!safe(node.minimum) && !safe(node.exclusiveMinimum)) problems.push({ path, message: 'a number needs a minimum within safe integers' });
    if (!safe(node.maximum) && !safe(node.exclusiveMaximum)) problems.push({ path, message: 'a number needs a maximum within safe integers' });
  }
  if (!fixed && types.includes('string') && typeof node.maxLength !== 'number') problems.push({ path, message: 'a string needs a maxLength' });
  if (types.includes('array') && typeof node.maxItems !== 'number') problems.push({ path, message: 'an array needs maxItems' });
  if (types.includes('object') && node.additionalProperties !== false && typeof node.maxProperties !== 'number') {
    problems.push({ path, message: 'an object needs "additionalProperties": false (or maxProperties)' });
  }
  // An absent keyword is undefined, which has no parts.
  for (const keyword of schemaKeywordsWithSchemas) problems.push(...unboundedPartsOf(node[keyword], [...path, keyword]));
  if (typeof node.additionalProperties === 'object') problems.push(...unboundedPartsOf(node.additionalProperties, [...path, 'additionalProperties']));
  for (const keyword of schemaKeywordsWithSchemaLists) {
    const list = node[keyword];
    if (Array.isArray(list)) list.forEach((inner, index) => problems.push(...unboundedPartsOf(inner, [...path, keyword, index])));
  }
  for (const keyword of schemaKeywordsWithSchemaMaps) {
    const map = node[keyword];
    if (typeof map === 'object' && map !== null) {
      for (const [name, inner] of Object.entries(map)) problems.push(...unboundedPartsOf(inner, [...path, keyword, name]));
    }
  }
  return problems;
}
