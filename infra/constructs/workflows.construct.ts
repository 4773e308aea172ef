import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnStateMachineAlias, CfnStateMachineVersion, CustomerManagedEncryptionConfiguration, DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { functionPlaceholder, knownPlaceholders } from '../../functions/app.declaration';
import { typeVersionDescription, workflowAlias } from '../../functions/adapters/workflow-engine';
import { currentWorkflowSources, placeholdersIn, type WorkflowSource } from '../../workflows/definitions';

export interface WorkflowsConstructProps {
  /** The step functions by declared name (`look-up-person`), referenced as `${LookUpPersonFunctionArn}`. */
  readonly stepFunctions: Readonly<Record<string, IFunction>>;
  /** Substituted for `${TableName}`; its dynamodb integrations are granted. */
  readonly table: ITable;
  /**
   * The KMS key that encrypts the table.
   * @default - the table's own `encryptionKey`
   */
  readonly tableKey?: IKey;
  /** Substituted for `${EventBusName}`; events:PutEvents is granted. */
  readonly eventBus: IEventBus;
  /**
   * The workflow definitions to deploy, one per type: the version new cases start on.
   * @default - the current published version of every type, from `currentWorkflowSources()`
   */
  readonly sources?: readonly WorkflowSource[];
  /**
   * The customer-managed key that encrypts each state machine (definition and execution
   * history) and its log group. The key's policy must let CloudWatch Logs and the log delivery
   * service use it (the stateful stack's key does).
   * @default - Step Functions' and CloudWatch Logs' own AWS-owned keys
   */
  readonly encryptionKey?: IKey;
  /**
   * How long a state machine's log records are kept. They hold ids, state names and error
   * names only (level ERROR, no execution data).
   * @default RetentionDays.THREE_MONTHS, as long as Step Functions keeps an execution's history
   */
  readonly logRetention?: RetentionDays;
  /**
   * The physical name of a type's state machine (it carries the deployment's environment).
   * @default stateMachineNameOf: `loket-<type key>`
   */
  readonly stateMachineName?: (typeKey: string) => string;
}

/** `arn:aws:states:::dynamodb:putItem` and `arn:aws:states:::aws-sdk:dynamodb:getItem` → their IAM actions. */
function dynamoDbActionsIn(definition: string): string[] {
  const matches = definition.matchAll(/arn:aws:states:::(?:aws-sdk:)?dynamodb:([a-zA-Z]+)/g);
  const actions = [...matches].map((match) => {
    const api = match[1] as string;
    return `dynamodb:${api.charAt(0).toUpperCase()}${api.slice(1)}`;
  });
  return [...new Set(actions)].sort();
}

/** `proof-of-residence` → `loket-proof-of-residence`. */
export function stateMachineNameOf(typeKey: string): string {
  return `loket-${typeKey}`;
}

const dynamoDbReadActions = new Set(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:DescribeTable']);

/**
 * One Standard state machine per transaction type (`loket-<type key>`), built from the ASL
 * under workflows/ as written: the definition stays inline so that tests can read it, and
 * CloudFormation resolves its `${Placeholder}` names through DefinitionSubstitutions.
 * Each state machine's role may invoke exactly the functions its definition names.
 */
export class WorkflowsConstruct extends Construct {
  /** The state machines by transaction type key. */
  readonly stateMachines: Readonly<Record<string, StateMachine>>;
  /** Each state machine's execution log group, by transaction type key. */
  readonly logGroups: Readonly<Record<string, LogGroup>>;
  /** Each type's alias (`live`), through which new cases start on its current version, by transaction type key. */
  readonly aliases: Readonly<Record<string, CfnStateMachineAlias>>;
  private readonly createdLogGroups: Record<string, LogGroup> = {};
  private readonly createdAliases: Record<string, CfnStateMachineAlias> = {};

  constructor(scope: Construct, id: string, props: WorkflowsConstructProps) {
    super(scope, id);
    const sources = props.sources ?? currentWorkflowSources();
    const stateMachines: Record<string, StateMachine> = {};
    for (const source of sources) {
      stateMachines[source.key] = this.createStateMachine(source, props);
    }
    this.stateMachines = stateMachines;
    this.logGroups = this.createdLogGroups;
    this.aliases = this.createdAliases;
  }

  private createStateMachine(source: WorkflowSource, props: WorkflowsConstructProps): StateMachine {
    const used = placeholdersIn(source.definition);
    const unknown = used.filter((name) => !knownPlaceholders.includes(name));
    if (unknown.length > 0) {
      throw new Error(
        `workflows/${source.key}/workflow.asl.json uses unknown placeholder(s) ${unknown.map((name) => `\${${name}}`).join(', ')}; ` +
          `known placeholders are ${knownPlaceholders.join(', ')} (see functions/app.declaration.ts)`,
      );
    }

    const invoked: IFunction[] = [];
    const substitutions: Record<string, string> = {};
    for (const [name, fn] of Object.entries(props.stepFunctions).sort(([a], [b]) => a.localeCompare(b))) {
      const placeholder = functionPlaceholder(name);
      if (!used.includes(placeholder)) continue;
      substitutions[placeholder] = fn.functionArn;
      invoked.push(fn);
    }
    const missing = used.filter((name) => name.endsWith('FunctionArn') && substitutions[name] === undefined);
    if (missing.length > 0) {
      throw new Error(`workflows/${source.key}/workflow.asl.json uses ${missing.join(', ')} but no such step function was given`);
    }
    if (used.includes('TableName')) substitutions.TableName = props.table.tableName;
    if (used.includes('EventBusName')) substitutions.EventBusName = props.eventBus.eventBusName;

    const id = pascalCase(source.key);
    const logGroup = new LogGroup(this, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.createdLogGroups[source.key] = logGroup;
    const stateMachine = new StateMachine(this, `${id}StateMachine`, {
      stateMachineName: (props.stateMachineName ?? stateMachineNameOf)(source.key),
      stateMachineType: StateMachineType.STANDARD,
      comment: `Transaction type ${source.key}, version ${source.version}`,
      definitionBody: DefinitionBody.fromString(source.definition),
      definitionSubstitutions: Object.keys(substitutions).length > 0 ? substitutions : undefined,
      tracingEnabled: true,
      // Failures only, and without execution data: state inputs and outputs stay out of the logs.
      logs: { destination: logGroup, level: LogLevel.ERROR, includeExecutionData: false },
      encryptionConfiguration: props.encryptionKey ? new CustomerManagedEncryptionConfiguration(props.encryptionKey) : undefined,
    });

    // The type version as a Step Functions version. Its logical id carries the type version, so a
    // new type version is a new resource and the old one is retained, not deleted: cases running
    // on it keep running, and a case that records it can start on it again. A change of the
    // definition within a type version (a step's ARN) replaces it the same way.
    const version = new CfnStateMachineVersion(this, `${id}Version${source.version}`, {
      stateMachineArn: stateMachine.stateMachineArn,
      stateMachineRevisionId: stateMachine.stateMachineRevisionId,
      description: typeVersionDescription(source.version),
    });
    version.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.createdAliases[source.key] = new CfnStateMachineAlias(this, `${id}Alias`, {
      name: workflowAlias,
      description: 'The version new cases start on',
      routingConfiguration: [{ stateMachineVersionArn: version.attrArn, weight: 100 }],
    });

    // Only the unqualified ARNs the definition names: no `:*` version/alias wildcard.
    if (invoked.length > 0) {
      stateMachine.addToRolePolicy(
        new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: invoked.map((fn) => fn.functionArn) }),
      );
    }
    if (used.includes('EventBusName')) props.eventBus.grantPutEventsTo(stateMachine);
    const tableActions = used.includes('TableName') ? dynamoDbActionsIn(source.definition) : [];
    if (tableActions.length > 0) {
      props.table.grant(stateMachine, ...tableActions);
      const key = props.tableKey ?? props.table.encryptionKey;
      if (key && tableActions.every((action) => dynamoDbReadActions.has(action))) key.grantDecrypt(stateMachine);
      else key?.grantEncryptDecrypt(stateMachine);
    }

    Validations.of(stateMachine).acknowledge({
      id: 'AwsSolutions-SF1',
      reason:
        'Level ALL would log every state\'s events; Loket logs at ERROR without execution data so that no log holds personal data. An execution\'s full history stays in Step Functions (90 days, ids only), and the reconciler reads each ended execution\'s status and error name from it.',
    });
    Validations.of(stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Step Functions log delivery (logs:CreateLogDelivery and related) and X-Ray tracing (xray:PutTraceSegments and related) support no resource-level permissions.',
    });
    return stateMachine;
  }
}

function pascalCase(kebab: string): string {
  return kebab
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
