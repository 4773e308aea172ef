import { z } from 'zod';

/** Request shapes of the supported Step Functions operations; unknown members are ignored, as AWS does. */
const pageRequest = {
  maxResults: z.number().int().min(0).max(1000).optional(),
  nextToken: z.string().min(1).max(1024).optional(),
};

const tag = z.object({ key: z.string().min(1).max(128), value: z.string().max(256) });

const publishing = {
  publish: z.boolean().optional(),
  versionDescription: z.string().max(256).optional(),
};

export const createStateMachineInput = z.object({
  name: z.string(),
  definition: z.string().min(1),
  roleArn: z.string().min(1),
  type: z.enum(['STANDARD', 'EXPRESS']).optional(),
  tags: z.array(tag).optional(),
  ...publishing,
});

export const stateMachineArnInput = z.object({ stateMachineArn: z.string().min(1) });

/** METADATA_ONLY: the answer without the definition (`{}`), as a caller that may not decrypt it gets it on AWS. */
export const describeStateMachineInput = stateMachineArnInput.extend({ includedData: z.enum(['ALL_DATA', 'METADATA_ONLY']).optional() });

export const listStateMachinesInput = z.object(pageRequest);

export const updateStateMachineInput = z.object({
  stateMachineArn: z.string().min(1),
  definition: z.string().min(1).optional(),
  roleArn: z.string().min(1).optional(),
  ...publishing,
});

export const publishStateMachineVersionInput = z.object({
  stateMachineArn: z.string().min(1),
  revisionId: z.string().optional(),
  description: z.string().max(256).optional(),
});

export const listStateMachineVersionsInput = z.object({ stateMachineArn: z.string().min(1), ...pageRequest });

export const stateMachineVersionArnInput = z.object({ stateMachineVersionArn: z.string().min(1) });

const routingConfiguration = z
  .array(z.object({ stateMachineVersionArn: z.string().min(1), weight: z.number().int().min(0).max(100) }))
  .min(1)
  .max(2);

export const createStateMachineAliasInput = z.object({
  name: z.string(),
  description: z.string().max(256).optional(),
  routingConfiguration,
});

export const stateMachineAliasArnInput = z.object({ stateMachineAliasArn: z.string().min(1) });

export const updateStateMachineAliasInput = z.object({
  stateMachineAliasArn: z.string().min(1),
  description: z.string().max(256).optional(),
  routingConfiguration: routingConfiguration.optional(),
});

export const listStateMachineAliasesInput = z.object({ stateMachineArn: z.string().min(1), ...pageRequest });

export const validateStateMachineDefinitionInput = z.object({
  definition: z.string().max(1_048_576),
  type: z.enum(['STANDARD', 'EXPRESS']).optional(),
  severity: z.enum(['ERROR', 'WARNING']).optional(),
  maxResults: z.number().int().min(0).max(100).optional(),
});

export const testStateInput = z.object({
  definition: z.string().min(1).max(1_048_576),
  roleArn: z.string().optional(),
  input: z.string().max(262_144).optional(),
  inspectionLevel: z.enum(['INFO', 'DEBUG', 'TRACE']).optional(),
  revealSecrets: z.boolean().optional(),
  variables: z.string().max(262_144).optional(),
});

export const resourceArnInput = z.object({ resourceArn: z.string().min(1) });

export const tagResourceInput = z.object({ resourceArn: z.string().min(1), tags: z.array(tag) });

export const untagResourceInput = z.object({ resourceArn: z.string().min(1), tagKeys: z.array(z.string().min(1).max(128)) });

export const startExecutionInput = z.object({
  stateMachineArn: z.string().min(1),
  name: z.string().optional(),
  input: z.string().optional(),
});

export const executionArnInput = z.object({ executionArn: z.string().min(1) });

export const listExecutionsInput = z.object({
  stateMachineArn: z.string().min(1).optional(),
  statusFilter: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']).optional(),
  redriveFilter: z.enum(['REDRIVEN', 'NOT_REDRIVEN']).optional(),
  ...pageRequest,
});

export const getExecutionHistoryInput = z.object({
  executionArn: z.string().min(1),
  reverseOrder: z.boolean().optional(),
  includeExecutionData: z.boolean().optional(),
  ...pageRequest,
});

export const stopExecutionInput = z.object({
  executionArn: z.string().min(1),
  error: z.string().max(256).optional(),
  cause: z.string().max(32768).optional(),
});

export const redriveExecutionInput = z.object({
  executionArn: z.string().min(1).max(2048),
  clientToken: z.string().min(1).max(64).optional(),
});

export const sendTaskSuccessInput = z.object({ taskToken: z.string().min(1).max(2048), output: z.string() });

export const sendTaskFailureInput = z.object({
  taskToken: z.string().min(1).max(2048),
  error: z.string().max(256).optional(),
  cause: z.string().max(32768).optional(),
});

export const sendTaskHeartbeatInput = z.object({ taskToken: z.string().min(1).max(2048) });

export type CreateStateMachineRequest = z.infer<typeof createStateMachineInput>;
export type StateMachineArnRequest = z.infer<typeof stateMachineArnInput>;
export type DescribeStateMachineRequest = z.infer<typeof describeStateMachineInput>;
export type ListStateMachinesRequest = z.infer<typeof listStateMachinesInput>;
export type UpdateStateMachineRequest = z.infer<typeof updateStateMachineInput>;
export type StartExecutionRequest = z.infer<typeof startExecutionInput>;
export type ExecutionArnRequest = z.infer<typeof executionArnInput>;
export type ListExecutionsRequest = z.infer<typeof listExecutionsInput>;
export type GetExecutionHistoryRequest = z.infer<typeof getExecutionHistoryInput>;
export type StopExecutionRequest = z.infer<typeof stopExecutionInput>;
export type RedriveExecutionRequest = z.infer<typeof redriveExecutionInput>;
export type SendTaskSuccessRequest = z.infer<typeof sendTaskSuccessInput>;
export type SendTaskFailureRequest = z.infer<typeof sendTaskFailureInput>;
export type SendTaskHeartbeatRequest = z.infer<typeof sendTaskHeartbeatInput>;
export type PublishStateMachineVersionRequest = z.infer<typeof publishStateMachineVersionInput>;
export type ListStateMachineVersionsRequest = z.infer<typeof listStateMachineVersionsInput>;
export type StateMachineVersionArnRequest = z.infer<typeof stateMachineVersionArnInput>;
export type CreateStateMachineAliasRequest = z.infer<typeof createStateMachineAliasInput>;
export type StateMachineAliasArnRequest = z.infer<typeof stateMachineAliasArnInput>;
export type UpdateStateMachineAliasRequest = z.infer<typeof updateStateMachineAliasInput>;
export type ListStateMachineAliasesRequest = z.infer<typeof listStateMachineAliasesInput>;
export type ResourceArnRequest = z.infer<typeof resourceArnInput>;
export type TagResourceRequest = z.infer<typeof tagResourceInput>;
export type UntagResourceRequest = z.infer<typeof untagResourceInput>;
export type ValidateStateMachineDefinitionRequest = z.infer<typeof validateStateMachineDefinitionInput>;
export type TestStateRequest = z.infer<typeof testStateInput>;
