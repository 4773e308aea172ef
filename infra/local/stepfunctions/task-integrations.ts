import { randomUUID } from 'node:crypto';
import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DeleteItemCommandInput,
  type DynamoDBClient,
  type GetItemCommandInput,
  type PutItemCommandInput,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { isJsonObject } from './asl-definition';
import { SfnError } from './sfn-error';

export interface TaskIntegrationServices {
  invokeLambda: (functionName: string, payload: unknown) => Promise<unknown>;
  dynamodb?: DynamoDBClient;
  publishEvents?: (entries: PutEventsRequestEntry[]) => Promise<void>;
}

/** How the execution history reports a Task: as a service integration or as a direct Lambda function call. */
export type TaskHistoryShape =
  | { readonly kind: 'task'; readonly resourceType: string; readonly resource: string }
  | { readonly kind: 'lambdaFunction'; readonly resource: string };

export interface TaskIntegration {
  readonly history: TaskHistoryShape;
  readonly waitsForTaskToken: boolean;
  /**
   * Runs the task on the state's effective input. For `.waitForTaskToken` tasks the value is what
   * was submitted; the state's result arrives later through SendTaskSuccess.
   */
  run(input: unknown): Promise<unknown>;
}

const LAMBDA_FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$/;
const SERVICE_INTEGRATION = /^arn:aws[a-z-]*:states:::([a-z0-9-]+):([A-Za-z]+)(\.waitForTaskToken)?$/;

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

function errorName(error: unknown): string {
  return error instanceof Error && error.name ? error.name : 'Error';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Lambda service errors (`Lambda.*`) keep their message as Cause; function errors carry the
 * function's error payload as a JSON Cause, the way Step Functions reports them.
 */
function asLambdaError(error: unknown): Error {
  const name = errorName(error);
  if (name.startsWith('Lambda.')) return namedError(name, errorMessage(error));
  const trace = error instanceof Error && error.stack ? error.stack.split('\n') : [];
  return namedError(name, JSON.stringify({ errorType: name, errorMessage: errorMessage(error), trace }));
}

async function invokeLambda(services: TaskIntegrationServices, functionName: string, payload: unknown): Promise<unknown> {
  try {
    return await services.invokeLambda(functionName, payload);
  } catch (error) {
    throw asLambdaError(error);
  }
}

function lambdaInvokeParameters(input: unknown): { functionName: string; payload: unknown } {
  if (!isJsonObject(input) || typeof input.FunctionName !== 'string') {
    throw namedError('States.Runtime', 'lambda:invoke needs Parameters.FunctionName');
  }
  return { functionName: input.FunctionName, payload: input.Payload ?? {} };
}

function withoutMetadata(output: object): Record<string, unknown> {
  const { $metadata: _metadata, ...rest } = output as Record<string, unknown>;
  return rest;
}

const dynamoDbCommands = {
  putItem: (input: unknown) => new PutItemCommand(input as PutItemCommandInput),
  getItem: (input: unknown) => new GetItemCommand(input as GetItemCommandInput),
  updateItem: (input: unknown) => new UpdateItemCommand(input as UpdateItemCommandInput),
  deleteItem: (input: unknown) => new DeleteItemCommand(input as DeleteItemCommandInput),
} as const;

function isDynamoDbAction(action: string): action is keyof typeof dynamoDbCommands {
  return Object.hasOwn(dynamoDbCommands, action);
}

/** In ASL an event's Detail is a JSON object; EventBridge wants it as a string. */
function toPutEventsEntries(input: unknown): PutEventsRequestEntry[] {
  const entries = isJsonObject(input) && Array.isArray(input.Entries) ? input.Entries : undefined;
  if (!entries) throw namedError('States.Runtime', 'events:putEvents needs Parameters.Entries');
  return entries.map((entry): PutEventsRequestEntry => {
    const fields = isJsonObject(entry) ? entry : {};
    const detail = fields.Detail;
    return {
      ...(fields as PutEventsRequestEntry),
      ...(detail !== undefined && { Detail: typeof detail === 'string' ? detail : JSON.stringify(detail) }),
    };
  });
}

function unsupported(stateName: string, resource: string, reason = 'is not supported locally'): SfnError {
  return new SfnError('InvalidDefinition', `Invalid State Machine Definition: resource '${resource}' of state '${stateName}' ${reason}`);
}

/** Chooses how a Task state runs locally; rejects, at creation time, resources this host cannot run. */
export function resolveTaskIntegration(stateName: string, resource: unknown, services: TaskIntegrationServices): TaskIntegration {
  if (typeof resource !== 'string') throw unsupported(stateName, String(resource), 'is not a string');

  if (LAMBDA_FUNCTION_ARN.test(resource)) {
    return {
      history: { kind: 'lambdaFunction', resource },
      waitsForTaskToken: false,
      run: (input) => invokeLambda(services, resource, input),
    };
  }

  const match = SERVICE_INTEGRATION.exec(resource);
  const [, service = '', action = '', callbackSuffix] = match ?? [];
  const waitsForTaskToken = callbackSuffix !== undefined;
  const history: TaskHistoryShape = { kind: 'task', resourceType: service, resource: `${action}${callbackSuffix ?? ''}` };

  if (service === 'lambda' && action === 'invoke') {
    return {
      history,
      waitsForTaskToken,
      run: async (input) => {
        const { functionName, payload } = lambdaInvokeParameters(input);
        const result = await invokeLambda(services, functionName, payload);
        return { ExecutedVersion: '$LATEST', Payload: result ?? null, StatusCode: 200 };
      },
    };
  }

  if (service === 'dynamodb' && isDynamoDbAction(action) && !waitsForTaskToken) {
    const client = services.dynamodb;
    if (!client) throw unsupported(stateName, resource, 'needs the local host to be given a DynamoDB client');
    const toCommand = dynamoDbCommands[action];
    return {
      history,
      waitsForTaskToken,
      run: async (input) => {
        try {
          // The union of command types defeats overload resolution of `send`; each command is sound on its own.
          const output: object = await client.send(toCommand(input) as PutItemCommand);
          return withoutMetadata(output);
        } catch (error) {
          throw namedError(`DynamoDB.${errorName(error)}`, errorMessage(error));
        }
      },
    };
  }

  if (service === 'events' && action === 'putEvents' && !waitsForTaskToken) {
    const publish = services.publishEvents;
    if (!publish) throw unsupported(stateName, resource, 'needs the local host to be given publishEvents');
    return {
      history,
      waitsForTaskToken,
      run: async (input) => {
        const entries = toPutEventsEntries(input);
        try {
          await publish(entries);
        } catch (error) {
          throw namedError(`EventBridge.${errorName(error)}`, errorMessage(error));
        }
        return { Entries: entries.map(() => ({ EventId: randomUUID() })), FailedEntryCount: 0 };
      },
    };
  }

  throw unsupported(stateName, resource);
}
