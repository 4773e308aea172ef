import './promise-with-resolvers.polyfill';
import { randomUUID } from 'node:crypto';
import type {
  CreateStateMachineAliasOutput,
  CreateStateMachineOutput,
  DescribeStateMachineAliasOutput,
  DescribeStateMachineOutput,
  ListStateMachineAliasesOutput,
  ListStateMachinesOutput,
  ListStateMachineVersionsOutput,
  ListTagsForResourceOutput,
  PublishStateMachineVersionOutput,
  UpdateStateMachineAliasOutput,
  UpdateStateMachineOutput,
  ValidateStateMachineDefinitionOutput,
} from '@aws-sdk/client-sfn';
import * as interpreter from 'aws-local-stepfunctions';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { assertStateMachineArn, assertValidName, paginate, parseStateMachineArn, stateMachineArnOf } from './api-conventions';
import {
  takeOverWaitStates,
  toRuntimeDefinition,
  type JsonObject,
  type WaitSpecification,
} from './asl-definition';
import { checkDefinition, invalidDefinition } from './definition-diagnostics';
import { SfnError } from './sfn-error';
import type {
  CreateStateMachineAliasRequest,
  CreateStateMachineRequest,
  DescribeStateMachineRequest,
  ListStateMachineAliasesRequest,
  ListStateMachinesRequest,
  ListStateMachineVersionsRequest,
  PublishStateMachineVersionRequest,
  ResourceArnRequest,
  StateMachineAliasArnRequest,
  StateMachineArnRequest,
  StateMachineVersionArnRequest,
  TagResourceRequest,
  UntagResourceRequest,
  UpdateStateMachineAliasRequest,
  UpdateStateMachineRequest,
  ValidateStateMachineDefinitionRequest,
} from './stepfunctions.schemas';
import type { TaskIntegration, TaskIntegrationServices } from './task-integrations';

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

/** One revision of a state machine's definition and role: what an execution runs. */
export interface MachineRevision {
  readonly definition: string;
  readonly roleArn: string;
  /** Built once per definition (validation takes tens of milliseconds); executions start from it. */
  readonly compiled: CompiledDefinition;
  /** Absent until the first update, as on AWS (PublishStateMachineVersion calls that revision INITIAL). */
  readonly revisionId?: string;
}

/** A published version: an immutable revision under `<machine ARN>:<number>`. */
export interface VersionRecord extends MachineRevision {
  readonly arn: string;
  readonly number: number;
  readonly description?: string;
  readonly creationDate: Date;
}

export interface AliasRecord {
  readonly arn: string;
  readonly name: string;
  description?: string;
  routing: Route[];
  readonly creationDate: Date;
  updateDate?: Date;
}

export interface StateMachineRecord {
  readonly arn: string;
  readonly name: string;
  readonly creationDate: Date;
  current: MachineRevision;
  updateDate?: Date;
  readonly tags: Map<string, string>;
  readonly versions: Map<number, VersionRecord>;
  /** Version numbers are never reused, not even after a delete. */
  lastVersionNumber: number;
  readonly aliases: Map<string, AliasRecord>;
}

/** What StartExecution runs, and the qualified ARNs it was asked through (DescribeExecution reports both). */
export interface ExecutionTarget {
  readonly machine: StateMachineRecord;
  readonly revision: MachineRevision;
  readonly versionArn?: string;
  readonly aliasArn?: string;
}

const MAX_TAGS = 50;

type Route = CreateStateMachineAliasRequest['routingConfiguration'][number];

/**
 * The control plane: Standard state machines in memory, each definition validated and compiled
 * once over aws-local-stepfunctions. Deleting one does not touch its executions; the server
 * stops them through the execution runner.
 */
export class StateMachines {
  private readonly records = new Map<string, StateMachineRecord>();

  constructor(private readonly options: StateMachinesOptions) {
    // Without patches/aws-local-stepfunctions+3.0.0.patch the engine would run, but unlike AWS.
    if (!('LOKET_PATCH' in interpreter)) {
      throw new Error('aws-local-stepfunctions is not patched: run `npm install` (its postinstall applies patches/ with patch-package)');
    }
  }

  /** Checks a definition and builds what its executions (and TestState) run; throws InvalidDefinition with its findings. */
  compile(definitionText: string): CompiledDefinition {
    const { definition, diagnostics, tasks } = checkDefinition(definitionText, this.options);
    if (!definition) throw invalidDefinition(diagnostics);
    const runtimeDefinition = toRuntimeDefinition(definition, this.options.timeScale);
    const waits = this.options.maxWaitSeconds === undefined ? new Map<string, WaitSpecification>() : takeOverWaitStates(runtimeDefinition);
    const interpreter = new StateMachine(runtimeDefinition as unknown as StateMachineDefinition, {
      validationOptions: { noValidate: true },
    });
    return { interpreter, tasks, waits };
  }

  /** The state machine an unqualified ARN names. */
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

  private findVersion(arn: string, missing = 'StateMachineDoesNotExist'): VersionRecord {
    const { machineArn, version } = parseStateMachineArn(arn);
    if (version === undefined) throw new SfnError('InvalidArn', `Invalid Arn: '${arn}' is not a state machine version ARN`);
    const record = this.records.get(machineArn)?.versions.get(version);
    if (!record) throw new SfnError(missing, `State Machine Version Does Not Exist: '${arn}'`);
    return record;
  }

  private findAlias(arn: string): { machine: StateMachineRecord; alias: AliasRecord } {
    const { machineArn, alias: name } = parseStateMachineArn(arn);
    if (name === undefined) throw new SfnError('InvalidArn', `Invalid Arn: '${arn}' is not a state machine alias ARN`);
    const machine = this.records.get(machineArn);
    const alias = machine?.aliases.get(name);
    if (!machine || !alias) throw new SfnError('ResourceNotFound', `Resource not found: '${arn}'`);
    return { machine, alias };
  }

  /**
   * What StartExecution runs for a bare, version or alias ARN: the latest revision, that version,
   * or a version the alias routes to, drawn by the routing weights.
   */
  resolveExecutionTarget(arn: string): ExecutionTarget {
    const { machineArn, version, alias } = parseStateMachineArn(arn);
    const machine = this.find(machineArn);
    if (version !== undefined) {
      const revision = this.findVersion(arn);
      return { machine, revision, versionArn: revision.arn };
    }
    if (alias === undefined) return { machine, revision: machine.current };
    const found = machine.aliases.get(alias);
    if (!found) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    let draw = Math.random() * 100;
    const chosen = found.routing.find((route) => (draw -= route.weight) < 0) ?? found.routing[0]!;
    const revision = this.findVersion(chosen.stateMachineVersionArn);
    return { machine, revision, versionArn: revision.arn, aliasArn: found.arn };
  }

  private revision(definition: string, roleArn: string, revisionId?: string): MachineRevision {
    return { definition, roleArn, compiled: this.compile(definition), revisionId };
  }

  /** Publishes the machine's current revision, or answers the version that already holds it. */
  private publish(machine: StateMachineRecord, description: string | undefined): VersionRecord {
    const { current } = machine;
    for (const version of machine.versions.values()) {
      if (version.revisionId === current.revisionId) return version;
    }
    machine.lastVersionNumber += 1;
    const version: VersionRecord = {
      ...current,
      arn: `${machine.arn}:${machine.lastVersionNumber}`,
      number: machine.lastVersionNumber,
      description,
      creationDate: new Date(),
    };
    machine.versions.set(version.number, version);
    return version;
  }

  /** ValidateStateMachineDefinition: findings as diagnostics, never an exception for the definition itself. */
  validateStateMachineDefinition(request: ValidateStateMachineDefinitionRequest): ValidateStateMachineDefinitionOutput {
    if (request.type === 'EXPRESS') throw new SfnError('ValidationException', 'Only STANDARD state machines are supported locally');
    const { diagnostics } = checkDefinition(request.definition, this.options);
    const shown = request.severity === 'WARNING' ? diagnostics : diagnostics.filter((diagnostic) => diagnostic.severity === 'ERROR');
    const maxResults = request.maxResults || 100;
    return {
      result: diagnostics.some((diagnostic) => diagnostic.severity === 'ERROR') ? 'FAIL' : 'OK',
      diagnostics: shown.slice(0, maxResults),
      truncated: shown.length > maxResults,
    };
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
      if (existing.current.definition === request.definition) {
        const version = request.publish ? this.publish(existing, request.versionDescription) : undefined;
        return { stateMachineArn: arn, creationDate: existing.creationDate, stateMachineVersionArn: version?.arn };
      }
      throw new SfnError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    const tags = tagMap(request.tags ?? []);
    const record: StateMachineRecord = {
      arn,
      name: request.name,
      creationDate: new Date(),
      current: this.revision(request.definition, request.roleArn),
      tags,
      versions: new Map(),
      lastVersionNumber: 0,
      aliases: new Map(),
    };
    this.records.set(arn, record);
    const version = request.publish ? this.publish(record, request.versionDescription) : undefined;
    return { stateMachineArn: arn, creationDate: record.creationDate, stateMachineVersionArn: version?.arn };
  }

  /** A bare ARN describes the latest revision; a version ARN that version. */
  describeStateMachine(request: DescribeStateMachineRequest): DescribeStateMachineOutput {
    const { machineArn, version, alias } = parseStateMachineArn(request.stateMachineArn);
    if (alias !== undefined) throw new SfnError('InvalidArn', `Invalid Arn: '${request.stateMachineArn}': use DescribeStateMachineAlias`);
    const machine = this.find(machineArn);
    const described = version === undefined ? undefined : this.findVersion(request.stateMachineArn);
    const output = describeRevision(machine, described ?? machine.current, {
      stateMachineArn: described?.arn ?? machine.arn,
      creationDate: described?.creationDate ?? machine.creationDate,
      description: described?.description,
    });
    return request.includedData === 'METADATA_ONLY' ? { ...output, definition: '{}' } : output;
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
    const { current } = record;
    const definition = request.definition ?? current.definition;
    const roleArn = request.roleArn ?? current.roleArn;
    if (definition !== current.definition || roleArn !== current.roleArn) {
      record.current = definition === current.definition ? { ...current, roleArn, revisionId: randomUUID() } : this.revision(definition, roleArn, randomUUID());
    }
    record.updateDate = new Date();
    const version = request.publish ? this.publish(record, request.versionDescription) : undefined;
    return { updateDate: record.updateDate, revisionId: record.current.revisionId, stateMachineVersionArn: version?.arn };
  }

  /** Deleting an unknown machine succeeds, as on AWS; so do its versions and aliases. Returns the deleted machine, if there was one. */
  deleteStateMachine(request: StateMachineArnRequest): StateMachineRecord | undefined {
    const { machineArn, version, alias } = parseStateMachineArn(request.stateMachineArn);
    if (version !== undefined || alias !== undefined) {
      throw new SfnError('ValidationException', 'Delete a version or an alias with DeleteStateMachineVersion or DeleteStateMachineAlias');
    }
    const record = this.records.get(machineArn);
    this.records.delete(machineArn);
    return record;
  }

  publishStateMachineVersion(request: PublishStateMachineVersionRequest): PublishStateMachineVersionOutput {
    const machine = this.find(request.stateMachineArn);
    if (request.revisionId !== undefined && request.revisionId !== (machine.current.revisionId ?? 'INITIAL')) {
      throw new SfnError('ConflictException', `Failed to publish the State Machine version: revision '${request.revisionId}' is not the current revision`);
    }
    const version = this.publish(machine, request.description);
    return { stateMachineVersionArn: version.arn, creationDate: version.creationDate };
  }

  listStateMachineVersions(request: ListStateMachineVersionsRequest): ListStateMachineVersionsOutput {
    const machine = this.find(request.stateMachineArn);
    const newestFirst = [...machine.versions.values()].sort((a, b) => b.number - a.number);
    const { page, nextToken } = paginate(newestFirst, request.maxResults, request.nextToken);
    return { stateMachineVersions: page.map((version) => ({ stateMachineVersionArn: version.arn, creationDate: version.creationDate })), nextToken };
  }

  /** Deleting an unknown version succeeds, as on AWS; one an alias routes to is refused. */
  deleteStateMachineVersion(request: StateMachineVersionArnRequest): Record<string, never> {
    const { machineArn, version } = parseStateMachineArn(request.stateMachineVersionArn);
    if (version === undefined) throw new SfnError('ValidationException', `'${request.stateMachineVersionArn}' is not a state machine version ARN`);
    const machine = this.records.get(machineArn);
    if (!machine) return {};
    const routedBy = [...machine.aliases.values()]
      .filter((alias) => alias.routing.some((route) => route.stateMachineVersionArn === request.stateMachineVersionArn))
      .map((alias) => alias.arn);
    if (routedBy.length > 0) {
      throw new SfnError(
        'ConflictException',
        `Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [${routedBy.join(', ')}]`,
      );
    }
    machine.versions.delete(version);
    return {};
  }

  /** Weights from 0 to 100 over one or two distinct versions of one state machine, adding up to 100. */
  private checkRouting(routing: Route[]): StateMachineRecord {
    const machines = new Set(routing.map((route) => parseStateMachineArn(route.stateMachineVersionArn).machineArn));
    if (machines.size !== 1) throw new SfnError('ValidationException', 'Routing configuration must name versions of one state machine');
    if (new Set(routing.map((route) => route.stateMachineVersionArn)).size !== routing.length) {
      throw new SfnError('ValidationException', 'Routing configuration must not name a version twice');
    }
    if (routing.reduce((sum, route) => sum + route.weight, 0) !== 100) {
      throw new SfnError('ValidationException', 'Routing configuration weights must add up to 100');
    }
    for (const route of routing) this.findVersion(route.stateMachineVersionArn, 'ResourceNotFound');
    return this.find([...machines][0]!);
  }

  createStateMachineAlias(request: CreateStateMachineAliasRequest): CreateStateMachineAliasOutput {
    assertValidName(request.name);
    if (/^\d+$/.test(request.name)) throw new SfnError('ValidationException', `Invalid alias name '${request.name}': it must not be a number`);
    const machine = this.checkRouting(request.routingConfiguration);
    const existing = machine.aliases.get(request.name);
    if (existing) {
      const same = existing.description === request.description && JSON.stringify(existing.routing) === JSON.stringify(request.routingConfiguration);
      if (same) return { stateMachineAliasArn: existing.arn, creationDate: existing.creationDate };
      throw new SfnError('ConflictException', `Alias '${existing.arn}' already exists with another configuration`);
    }
    const alias: AliasRecord = {
      arn: `${machine.arn}:${request.name}`,
      name: request.name,
      description: request.description,
      routing: request.routingConfiguration,
      creationDate: new Date(),
    };
    machine.aliases.set(alias.name, alias);
    return { stateMachineAliasArn: alias.arn, creationDate: alias.creationDate };
  }

  describeStateMachineAlias(request: StateMachineAliasArnRequest): DescribeStateMachineAliasOutput {
    const { alias } = this.findAlias(request.stateMachineAliasArn);
    return {
      stateMachineAliasArn: alias.arn,
      name: alias.name,
      description: alias.description,
      routingConfiguration: alias.routing,
      creationDate: alias.creationDate,
      updateDate: alias.updateDate,
    };
  }

  updateStateMachineAlias(request: UpdateStateMachineAliasRequest): UpdateStateMachineAliasOutput {
    const { machine, alias } = this.findAlias(request.stateMachineAliasArn);
    if (request.description === undefined && request.routingConfiguration === undefined) {
      throw new SfnError('ValidationException', 'Either the description or the routingConfiguration must be specified');
    }
    if (request.routingConfiguration !== undefined) {
      if (this.checkRouting(request.routingConfiguration) !== machine) {
        throw new SfnError('ValidationException', 'An alias routes only to versions of its own state machine');
      }
      alias.routing = request.routingConfiguration;
    }
    if (request.description !== undefined) alias.description = request.description;
    alias.updateDate = new Date();
    return { updateDate: alias.updateDate };
  }

  listStateMachineAliases(request: ListStateMachineAliasesRequest): ListStateMachineAliasesOutput {
    const machine = this.find(request.stateMachineArn);
    const all = [...machine.aliases.values()].sort((a, b) => a.name.localeCompare(b.name));
    const { page, nextToken } = paginate(all, request.maxResults, request.nextToken);
    return { stateMachineAliases: page.map((alias) => ({ stateMachineAliasArn: alias.arn, creationDate: alias.creationDate })), nextToken };
  }

  /** Deleting an unknown alias succeeds, as on AWS. */
  deleteStateMachineAlias(request: StateMachineAliasArnRequest): Record<string, never> {
    const { machineArn, alias } = parseStateMachineArn(request.stateMachineAliasArn);
    if (alias === undefined) throw new SfnError('ValidationException', `'${request.stateMachineAliasArn}' is not a state machine alias ARN`);
    this.records.get(machineArn)?.aliases.delete(alias);
    return {};
  }

  /** Tags belong to the state machine; ListTagsForResource answers them by ARN. */
  private taggable(resourceArn: string): StateMachineRecord {
    const record = this.records.get(resourceArn);
    if (!record) throw new SfnError('ResourceNotFound', `Resource not found: '${resourceArn}'`);
    return record;
  }

  tagResource(request: TagResourceRequest): Record<string, never> {
    const record = this.taggable(request.resourceArn);
    const merged = new Map([...record.tags, ...tagMap(request.tags)]);
    if (merged.size > MAX_TAGS) throw new SfnError('TooManyTags', `Too many tags: a resource has at most ${MAX_TAGS}`);
    for (const [key, value] of merged) record.tags.set(key, value);
    return {};
  }

  untagResource(request: UntagResourceRequest): Record<string, never> {
    const record = this.taggable(request.resourceArn);
    for (const key of request.tagKeys) record.tags.delete(key);
    return {};
  }

  listTagsForResource(request: ResourceArnRequest): ListTagsForResourceOutput {
    const record = this.taggable(request.resourceArn);
    return { tags: [...record.tags].map(([key, value]) => ({ key, value })) };
  }
}

function tagMap(tags: readonly { key: string; value: string }[]): Map<string, string> {
  if (tags.length > MAX_TAGS) throw new SfnError('TooManyTags', `Too many tags: a resource has at most ${MAX_TAGS}`);
  return new Map(tags.map((tag) => [tag.key, tag.value]));
}

/** What DescribeStateMachine and DescribeStateMachineForExecution say of a revision. */
export function describeRevision(
  machine: StateMachineRecord,
  revision: MachineRevision,
  fields: { stateMachineArn: string; creationDate: Date; description?: string },
): DescribeStateMachineOutput {
  return {
    ...fields,
    name: machine.name,
    status: 'ACTIVE',
    definition: revision.definition,
    roleArn: revision.roleArn,
    type: 'STANDARD',
    revisionId: revision.revisionId,
    loggingConfiguration: { level: 'OFF', includeExecutionData: false },
    tracingConfiguration: { enabled: false },
  };
}
