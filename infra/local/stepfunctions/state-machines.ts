import './promise-with-resolvers.polyfill';
import type {
  CreateStateMachineOutput,
  DescribeStateMachineOutput,
  ListStateMachinesOutput,
  UpdateStateMachineOutput,
} from '@aws-sdk/client-sfn';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { assertStateMachineArn, assertValidName, paginate, stateMachineArnOf } from './api-conventions';
import {
  assertJsonPathOnly,
  findTaskStates,
  parseDefinition,
  takeOverWaitStates,
  toRuntimeDefinition,
  type JsonObject,
  type WaitSpecification,
} from './asl-definition';
import { SfnError } from './sfn-error';
import type { CreateStateMachineRequest, ListStateMachinesRequest, StateMachineArnRequest, UpdateStateMachineRequest } from './stepfunctions.schemas';
import { resolveTaskIntegration, type TaskIntegration, type TaskIntegrationServices } from './task-integrations';

export interface StateMachinesOptions extends TaskIntegrationServices {
  readonly region: string;
  readonly timeScale: number;
  /** When set, Wait states are taken over by the execution runner so that it can cap them. */
  readonly maxWaitSeconds?: number;
}

export interface TaskPlan {
  readonly integration: TaskIntegration;
  readonly state: JsonObject;
}

/**
 * What a definition compiles to: the interpreter over the time-scaled copy, a plan per Task
 * state and, when waits are capped, the Wait states the execution runner runs itself.
 */
export interface CompiledDefinition {
  readonly interpreter: StateMachine;
  readonly tasks: ReadonlyMap<string, TaskPlan>;
  readonly waits: ReadonlyMap<string, WaitSpecification>;
}

export interface StateMachineRecord {
  readonly arn: string;
  readonly name: string;
  readonly creationDate: Date;
  definition: string;
  roleArn: string;
  /** Built once per definition (validation takes tens of milliseconds); executions start from it. */
  compiled: CompiledDefinition;
  updateDate?: Date;
}

/**
 * The control plane: Standard state machines in memory, each definition validated and compiled
 * once over aws-local-stepfunctions. Deleting one does not touch its executions; the server
 * stops them through the execution runner.
 */
export class StateMachines {
  private readonly records = new Map<string, StateMachineRecord>();

  constructor(private readonly options: StateMachinesOptions) {}

  private compile(definitionText: string): CompiledDefinition {
    const definition = parseDefinition(definitionText);
    assertJsonPathOnly(definition);
    try {
      new StateMachine(definition as unknown as StateMachineDefinition);
    } catch (error) {
      const detail = (error as Error).message.replace(/^State machine definition is invalid, see error\(s\) below:\s*/, '');
      throw new SfnError('InvalidDefinition', `Invalid State Machine Definition: ${detail}`);
    }
    const tasks = new Map<string, TaskPlan>();
    for (const { name, state } of findTaskStates(definition)) {
      if (tasks.has(name)) {
        throw new SfnError('InvalidDefinition', `Invalid State Machine Definition: duplicate state name '${name}'`);
      }
      tasks.set(name, { integration: resolveTaskIntegration(name, state.Resource, this.options), state });
    }
    const runtimeDefinition = toRuntimeDefinition(definition, this.options.timeScale);
    const waits = this.options.maxWaitSeconds === undefined ? new Map<string, WaitSpecification>() : takeOverWaitStates(runtimeDefinition);
    const interpreter = new StateMachine(runtimeDefinition as unknown as StateMachineDefinition, {
      validationOptions: { noValidate: true },
    });
    return { interpreter, tasks, waits };
  }

  find(arn: string): StateMachineRecord {
    assertStateMachineArn(arn);
    const record = this.records.get(arn);
    if (!record) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return record;
  }

  /** Whether the state machine is still there (a deleted one leaves its executions behind). */
  exists(arn: string): boolean {
    return this.records.has(arn);
  }

  createStateMachine(request: CreateStateMachineRequest): CreateStateMachineOutput {
    assertValidName(request.name);
    if (request.type === 'EXPRESS') {
      throw new SfnError('ValidationException', 'Only STANDARD state machines are supported locally');
    }
    if (!request.roleArn.startsWith('arn:')) throw new SfnError('InvalidArn', `Invalid Arn: '${request.roleArn}'`);
    const arn = stateMachineArnOf(this.options.region, request.name);
    const existing = this.records.get(arn);
    if (existing) {
      if (existing.definition === request.definition) return { stateMachineArn: arn, creationDate: existing.creationDate };
      throw new SfnError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    const compiled = this.compile(request.definition);
    const record: StateMachineRecord = {
      arn,
      name: request.name,
      creationDate: new Date(),
      definition: request.definition,
      roleArn: request.roleArn,
      compiled,
    };
    this.records.set(arn, record);
    return { stateMachineArn: arn, creationDate: record.creationDate };
  }

  describeStateMachine(request: StateMachineArnRequest): DescribeStateMachineOutput {
    const record = this.find(request.stateMachineArn);
    return {
      stateMachineArn: record.arn,
      name: record.name,
      status: 'ACTIVE',
      definition: record.definition,
      roleArn: record.roleArn,
      type: 'STANDARD',
      creationDate: record.creationDate,
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }

  listStateMachines(request: ListStateMachinesRequest): ListStateMachinesOutput {
    const all = [...this.records.values()].sort((a, b) => a.name.localeCompare(b.name));
    const { page, nextToken } = paginate(all, request.maxResults, request.nextToken);
    return {
      stateMachines: page.map((record) => ({
        stateMachineArn: record.arn,
        name: record.name,
        type: 'STANDARD',
        creationDate: record.creationDate,
      })),
      nextToken,
    };
  }

  /** A new definition applies to executions started afterwards; running ones keep theirs. */
  updateStateMachine(request: UpdateStateMachineRequest): UpdateStateMachineOutput {
    const record = this.find(request.stateMachineArn);
    if (request.definition === undefined && request.roleArn === undefined) {
      throw new SfnError('MissingRequiredParameter', 'Either the definition or the roleArn must be specified');
    }
    if (request.definition !== undefined) {
      record.compiled = this.compile(request.definition);
      record.definition = request.definition;
    }
    if (request.roleArn !== undefined) record.roleArn = request.roleArn;
    record.updateDate = new Date();
    return { updateDate: record.updateDate };
  }

  /** Deleting an unknown machine succeeds, as on AWS. Returns the deleted machine, if there was one. */
  deleteStateMachine(request: StateMachineArnRequest): StateMachineRecord | undefined {
    let record: StateMachineRecord;
    try {
      record = this.find(request.stateMachineArn);
    } catch (error) {
      if (error instanceof SfnError && error.code === 'StateMachineDoesNotExist') return undefined;
      throw error;
    }
    this.records.delete(record.arn);
    return record;
  }
}
