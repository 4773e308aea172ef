import * as z from 'zod';

const localizedText = z.object({ nl: z.string().min(1), en: z.string().min(1) }).strict();
export type LocalizedText = z.infer<typeof localizedText>;
export type Language = keyof LocalizedText;

const statusSchema = z
  .object({
    code: z.string().regex(/^[a-z][a-z-]*$/),
    order: z.number().int().positive(),
    citizenText: localizedText,
    /** Whether the applicant is informed when the case enters this status. */
    inform: z.boolean(),
    final: z.boolean(),
  })
  .strict();

const taskDefinitionSchema = z
  .object({
    role: z.string().min(1),
    outcomes: z.array(z.string().min(1)).min(1),
    dueInWorkingDays: z.number().int().positive(),
    /**
     * Calendar days after which the workflow stops waiting for the task (its TimeoutSeconds)
     * and takes its expiry path; the workflow lint holds the ASL to it.
     */
    expiresAfterDays: z.number().int().positive().optional(),
    title: localizedText,
  })
  .strict();

const messageDefinitionSchema = z
  .object({
    description: localizedText,
    /** JSON Schema of the message's `data`. */
    dataSchema: z.record(z.string(), z.unknown()),
    /** Calendar days the workflow waits for the message (e.g. a payment window) before its expiry path. */
    expiresAfterDays: z.number().int().positive().optional(),
  })
  .strict();

/** A fixed period the workflow waits out (a Wait state), such as an objection period. */
const periodSchema = z
  .object({
    days: z.number().int().positive(),
    /** What the period is called, as the type's texts name it (e.g. "bezwaartermijn", "objection period"). */
    description: localizedText,
  })
  .strict();

/** The metadata of one version of a transaction type, as written in `workflows/<key>/type.json`. */
export const transactionTypeSchema = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9-]*$/),
    version: z.number().int().positive(),
    title: localizedText,
    description: localizedText,
    sdgProcedure: z.string().optional(),
    applicantKinds: z.array(z.enum(['citizen', 'business'])).min(1),
    inputSchema: z.record(z.string(), z.unknown()),
    example: z.object({ type: z.string(), applicant: z.unknown(), data: z.unknown() }).strict(),
    statuses: z.array(statusSchema).min(2),
    roles: z.array(z.string().min(1)),
    tasks: z.record(z.string(), taskDefinitionSchema),
    /** Messages the workflow may wait for, by name. */
    messages: z.record(z.string(), messageDefinitionSchema).default({}),
    /** Fixed periods in calendar days, by the name of the Wait state that waits them out. */
    periods: z.record(z.string(), periodSchema).default({}),
    legalDeadline: z.object({ days: z.number().int().positive(), kind: z.enum(['calendar', 'working']) }).strict(),
    suspension: z.object({ allowed: z.boolean() }).strict(),
    extension: z
      .object({ allowed: z.boolean(), maxDays: z.number().int().nonnegative(), times: z.number().int().nonnegative() })
      .strict(),
    confidentiality: z.enum(['public', 'internal', 'confidential', 'secret']),
    retention: z.object({ years: z.number().int().positive(), action: z.enum(['destroy', 'keep']) }).strict(),
    fee: z.object({ amount: z.number().nonnegative(), currency: z.literal('EUR') }).strict(),
  })
  .strict()
  .superRefine((type, context) => {
    const codes = type.statuses.map((status) => status.code);
    if (new Set(codes).size !== codes.length) context.addIssue({ code: 'custom', message: 'status codes must be unique' });
    if (codes[0] !== 'submitted') context.addIssue({ code: 'custom', message: "the first status must be 'submitted'" });
    for (const [name, task] of Object.entries(type.tasks)) {
      if (!type.roles.includes(task.role)) {
        context.addIssue({ code: 'custom', message: `task '${name}' uses role '${task.role}' not listed in roles` });
      }
    }
  });

export type TransactionType = z.infer<typeof transactionTypeSchema>;
export type StatusDefinition = TransactionType['statuses'][number];
export type TaskDefinition = TransactionType['tasks'][string];

export function findStatus(type: TransactionType, code: string): StatusDefinition | undefined {
  return type.statuses.find((status) => status.code === code);
}

export type MessageDefinition = TransactionType['messages'][string];

/** Builds the validator of a JSON Schema a designer wrote. */
export function schemaValidator(schema: Record<string, unknown>): z.ZodType {
  return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
}

/** Builds the validator of a type's `data` from the JSON Schema its designer wrote. */
export function dataValidator(type: TransactionType): z.ZodType {
  return schemaValidator(type.inputSchema);
}
