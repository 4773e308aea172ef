import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { documentKeyPrefix } from '../../functions/commons/config';
import { bundledOpenApiDocumentText } from '../../functions/api/openapi.document';
import { bundledCatalogueFile, bundledCatalogueText, bundledOpenApiFile, bundledTypesFolder, loadPublishedTypes } from '../../workflows/type-loader';
import { bundlingOptions, tracerDefine } from '../deployment';
import { tableDefinition } from '../table.definition';

/** The repository root: handler entries in the app declaration are relative to it. */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Item reads, on the table and its indexes. */
const tableReadActions = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
/** Item writes; a TransactWriteItems is authorized per item by these, ConditionCheckItem included. */
const tableWriteActions = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];

const outputFormats = { esm: OutputFormat.ESM, cjs: OutputFormat.CJS } as const;

const shellQuoted = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

/** The files bundles carry under workflows/, per project root and file name: each written (and so checked) once per synthesis. */
const writtenFiles = new Map<string, string>();

/**
 * The commands that copy `file` into a function's bundle, under workflows/, where it is read at cold
 * start. Its text is made once per synthesis and root, into a temporary file named by its content, so
 * that a malformed type.json or template fails the synthesis rather than a cold start; the asset's
 * hash, taken over the bundle's output, changes with it.
 */
function bundledFileCopyCommands(root: string, outputDir: string, file: string, textOf: (workflows: string) => string): string[] {
  const key = `${root}\0${file}`;
  let written = writtenFiles.get(key);
  if (!written) {
    const text = textOf(join(root, 'workflows'));
    written = join(tmpdir(), `loket-${file.replace(/\.json$/, '')}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.json`);
    writeFileSync(written, text);
    writtenFiles.set(key, written);
  }
  return [`mkdir -p ${shellQuoted(`${outputDir}/${bundledTypesFolder}`)}`, `cp ${shellQuoted(written)} ${shellQuoted(`${outputDir}/${bundledTypesFolder}/${file}`)}`];
}

/** The catalogue every bundle carries (workflows/catalogue.json: every kept version, loaded and validated). */
const catalogueCopyCommands = (root: string, outputDir: string) => bundledFileCopyCommands(root, outputDir, bundledCatalogueFile, bundledCatalogueText);

/** The OpenAPI document (workflows/openapi.json), built from the code and the same kept versions, for the function that serves it. */
const openApiDocumentCopyCommands = (root: string, outputDir: string) =>
  bundledFileCopyCommands(root, outputDir, bundledOpenApiFile, (workflows) => bundledOpenApiDocumentText(loadPublishedTypes(workflows)));

export interface GrantTableOptions {
  /**
   * The KMS key that encrypts the table.
   * @default - the table's own `encryptionKey`
   */
  readonly key?: IKey;
  /**
   * The indexes the function may query.
   * @default - every GSI in tableDefinition
   */
  readonly indexNames?: readonly string[];
}

/**
 * How cdk-nag names a bucket's ARN in a finding: the export it is imported by when the bucket
 * lives in another stack (the stateful one), otherwise the bucket's own `Arn` attribute.
 * `exportValue` gives the very export that the cross-stack reference uses.
 */
function nagNameOfArn(bucket: IBucket, scope: Construct): string {
  const bucketStack = Stack.of(bucket);
  const stack = Stack.of(scope);
  const arn = bucketStack === stack ? bucket.bucketArn : bucketStack.exportValue(bucket.bucketArn);
  const resolved = stack.resolve(arn) as { 'Fn::ImportValue'?: string; 'Fn::GetAtt'?: [string, string] };
  if (resolved['Fn::ImportValue']) return resolved['Fn::ImportValue'];
  if (resolved['Fn::GetAtt']) return `<${resolved['Fn::GetAtt'][0]}.${resolved['Fn::GetAtt'][1]}>`;
  return String(resolved);
}

export interface GrantDocumentsOptions {
  /**
   * The KMS key that encrypts the bucket.
   * @default - the bucket's own `encryptionKey`
   */
  readonly key?: IKey;
}

export interface LoketFunctionProps {
  /** Handler module, relative to `projectRoot`; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  /**
   * Physical function name.
   * @default - generated by CloudFormation
   */
  readonly functionName?: string;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** @default RetentionDays.THREE_MONTHS */
  readonly logRetention?: RetentionDays;
  /**
   * The customer-managed key that encrypts the function's log group.
   * @default - CloudWatch Logs' own encryption
   */
  readonly logKey?: IKey;
  /**
   * What happens to the function's log group when the function is removed.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Absolute path of the project, used as the esbuild working directory.
   * @default - the repository that holds this file
   */
  readonly projectRoot?: string;
  /**
   * The function's environment; the stateless stack sets it from the deployment model
   * (`functionEnvironment` in infra/deployment.ts), with `addEnvironment` once the resources exist.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Whether X-Ray samples the function's invocations (Active), or traces only those whose caller's trace is sampled (PassThrough).
   * @default true
   */
  readonly traced?: boolean;
  /**
   * Whether the bundle holds Powertools Tracer and the X-Ray SDK (`loadsTracer` in infra/deployment.ts): without
   * it, the function's environment must turn Powertools tracing off, and Lambda alone records its segment.
   * @default true
   */
  readonly loadsTracer?: boolean;
  /**
   * Whether the build writes the API's OpenAPI document beside the bundle (workflows/openapi.json), built from
   * the same code and kept versions: the function that serves it reads it instead of building it at init.
   * @default false
   */
  readonly carriesOpenApiDocument?: boolean;
}

/**
 * The one way Loket builds a Lambda: nodejs22.x on arm64, X-Ray active (unless `traced` is false), its own log group,
 * bundled by the locally installed esbuild with the deployment model's options, and a role
 * that starts with nothing but writing to that log group. Access is added with the `grant*`
 * helpers; which variables the function gets is the deployment model's to say, from the
 * same declaration flags that choose the grants.
 */
export class LoketFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: LoketFunctionProps) {
    const root = props.projectRoot ?? projectRoot;
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
      encryptionKey: props.logKey,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    // An own role instead of AWSLambdaBasicExecutionRole: it may only write to its own log group.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.functionName ?? id}`,
    });
    logGroup.grantWrite(role);

    const functionProps: NodejsFunctionProps = {
      entry: join(root, props.entry),
      handler: 'handler',
      projectRoot: root,
      depsLockFilePath: join(root, 'package-lock.json'),
      description: props.description,
      functionName: props.functionName,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: props.traced === false ? Tracing.PASS_THROUGH : Tracing.ACTIVE,
      logGroup,
      role,
      environment: props.environment ? { ...props.environment } : undefined,
      bundling: {
        forceDockerBundling: false,
        format: outputFormats[bundlingOptions.format],
        target: bundlingOptions.target,
        mainFields: [...bundlingOptions.mainFields],
        banner: bundlingOptions.banner.js,
        minify: bundlingOptions.minify,
        sourceMap: bundlingOptions.sourcemap,
        sourcesContent: bundlingOptions.sourcesContent,
        logLevel: LogLevel.WARNING,
        externalModules: [...bundlingOptions.external],
        // Tells workflows/type-loader.ts, inlined in the bundle, to read the catalogue the hook copies beside it.
        // LOKET_LOADS_TRACER tells functions/commons/powertools.ts whether to bundle the tracer at all.
        define: { ...bundlingOptions.define, ...tracerDefine(props.loadsTracer !== false) },
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir, outputDir) => [...catalogueCopyCommands(root, outputDir), ...(props.carriesOpenApiDocument ? openApiDocumentCopyCommands(root, outputDir) : [])],
        },
      },
    };
    super(scope, id, functionProps);

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Loket targets nodejs22.x on purpose (DESIGN.md): the handlers and the local host are built and tested for Node 22.',
    });
  }

  /**
   * Grants item access to the table, its indexes and its KMS key.
   * Narrower than `grantReadWriteData`: no Scan (no request path scans), no stream reads,
   * and the named indexes instead of `index/*`.
   */
  grantTable(table: ITable, access: 'read' | 'readWrite', options: GrantTableOptions = {}): this {
    const indexNames = options.indexNames ?? tableDefinition.globalSecondaryIndexes.map((index) => index.indexName);
    const key = options.key ?? table.encryptionKey;
    this.addToRolePolicy(
      new PolicyStatement({
        actions: access === 'read' ? tableReadActions : [...tableReadActions, ...tableWriteActions],
        resources: [table.tableArn, ...indexNames.map((indexName) => `${table.tableArn}/index/${indexName}`)],
      }),
    );
    if (key && access === 'read') {
      key.grantDecrypt(this);
    } else if (key) {
      key.grantEncryptDecrypt(this);
      const reason =
        'DynamoDB encrypts items with the table key on the caller\'s behalf; these are the key actions CDK grants for writing to a KMS-encrypted table, on that one key only.';
      Validations.of(this.role ?? this).acknowledge(
        { id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason },
        { id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason },
      );
    }
    return this;
  }

  /**
   * Lets the function read (GetObject) or also write (PutObject) document files under
   * `documents/` in the bucket, or, for `destroy`, destroy them without reading them: list their
   * versions (ListBucketVersions under that prefix) and delete each version and delete marker
   * (DeleteObjectVersion; DeleteObject for a bucket without versioning), since a plain delete
   * on the versioned bucket only hides a file. The bucket encrypts with its key by default, so
   * the function names no key; it only gets the key actions S3 performs on its behalf (Decrypt
   * to read, GenerateDataKey to write), and only through S3. Listing and deleting need no key.
   */
  grantDocuments(bucket: IBucket, access: 'read' | 'readWrite' | 'destroy', options: GrantDocumentsOptions = {}): this {
    const objects = bucket.arnForObjects(`${documentKeyPrefix}*`);
    const objectActions = {
      read: ['s3:GetObject'],
      readWrite: ['s3:GetObject', 's3:PutObject'],
      destroy: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
    }[access];
    this.addToRolePolicy(new PolicyStatement({ actions: objectActions, resources: [objects] }));
    if (access === 'destroy') {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: ['s3:ListBucketVersions'],
          resources: [bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': [`${documentKeyPrefix}*`] } },
        }),
      );
    }
    const key = options.key ?? bucket.encryptionKey;
    if (key && access !== 'destroy') {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: access === 'read' ? ['kms:Decrypt'] : ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
        }),
      );
    }
    Validations.of(this.role ?? this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagNameOfArn(bucket, this)}/${documentKeyPrefix}*]`,
      reason: 'Document keys name the tenant, case and reference; the grant covers only the documents/ prefix of the documents bucket.',
    });
    return this;
  }

  /**
   * Lets the function read one secret, and decrypt it with its key only through Secrets Manager.
   * The grants are on the function's role alone: the key lives in the stateful stack, whose key
   * policy must not name a role of this one (a cycle between the stacks).
   */
  grantSecretRead(secret: ISecret, key: IKey): this {
    this.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [secret.secretArn] }));
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Aws.REGION}.amazonaws.com` } },
      }),
    );
    return this;
  }

  /**
   * Lets the function start executions of the named state machines on their alias (a new case)
   * or on one of their versions (a case that records the version it runs), read a version's
   * description (the type version it publishes) and the alias's (the version new cases start on).
   */
  grantVersionedStarts(stateMachineNames: readonly string[]): this {
    return this.grantOnAliasAndVersions(['states:StartExecution', 'states:DescribeStateMachine', 'states:DescribeStateMachineAlias'], stateMachineNames, 'the grant covers its alias and its versions, nothing else');
  }

  /**
   * Lets the function read which version of the named state machines new cases start on (their
   * alias) and a version's description, without its definition (`includedData: METADATA_ONLY`,
   * so no use of the workflow key).
   */
  grantCurrentVersions(stateMachineNames: readonly string[]): this {
    return this.grantOnAliasAndVersions(['states:DescribeStateMachine', 'states:DescribeStateMachineAlias'], stateMachineNames, "the grant reads its alias and its versions' descriptions, nothing else");
  }

  /**
   * Versions are published by later deployments, so a grant on them is `stateMachine:<name>:*`:
   * the alias and the versions of that state machine only, never the unqualified state machine.
   */
  private grantOnAliasAndVersions(actions: string[], stateMachineNames: readonly string[], scope: string): this {
    const stack = Stack.of(this);
    const qualifiedArns = stateMachineNames.map((name) =>
      stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: `${name}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    );
    this.addToRolePolicy(new PolicyStatement({ actions, resources: qualifiedArns }));
    for (const name of stateMachineNames) {
      Validations.of(this.role ?? this).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:${name}:*]`,
        reason: `Each deployment publishes a new version of state machine ${name}; ${scope}.`,
      });
    }
    return this;
  }

  /** Lets the function see where executions of the named state machines stand, and redrive those that ended. */
  grantRedriveExecutions(stateMachineNames: readonly string[]): this {
    return this.grantOnExecutions(['states:DescribeExecution', 'states:RedriveExecution'], stateMachineNames);
  }

  /**
   * Lets the function use the key that encrypts the named state machines, for what Step Functions
   * encrypts or decrypts on its behalf: `read` decrypts (describing an execution), `readWrite` also
   * generates data keys (a start's input, a task result, a stop, a redrive). Only under the
   * encryption context of those state machines, so the grant opens nothing else under the key.
   */
  grantWorkflowKey(key: IKey, stateMachineNames: readonly string[], access: 'read' | 'readWrite'): this {
    const stack = Stack.of(this);
    const stateMachineArns = stateMachineNames.map((name) =>
      stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    );
    this.addToRolePolicy(
      new PolicyStatement({
        actions: access === 'read' ? ['kms:Decrypt'] : ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:EncryptionContext:aws:states:stateMachineArn': stateMachineArns } },
      }),
    );
    return this;
  }

  /**
   * Lets the function read where the cases of the named state machines stand, to move them to
   * another version: the published versions and their definitions, the executions running on a
   * version (both on `stateMachine:<name>` and its versions, `stateMachine:<name>:*`), and each
   * execution's status and history. Nothing it grants starts, stops or changes one.
   */
  grantWorkflowHistory(stateMachineNames: readonly string[]): this {
    const stack = Stack.of(this);
    const stateMachineArns = stateMachineNames.flatMap((name) => [
      stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: `${name}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    ]);
    this.addToRolePolicy(new PolicyStatement({ actions: ['states:ListStateMachineVersions', 'states:DescribeStateMachine', 'states:ListExecutions'], resources: stateMachineArns }));
    for (const name of stateMachineNames) {
      Validations.of(this.role ?? this).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:${name}:*]`,
        reason: `Each deployment publishes a new version of state machine ${name}; the grant reads its versions and their executions, nothing else.`,
      });
    }
    return this.grantOnExecutions(['states:DescribeExecution', 'states:GetExecutionHistory'], stateMachineNames);
  }

  /** Lets the function see where executions of the named state machines stand. */
  grantDescribeExecutions(stateMachineNames: readonly string[]): this {
    return this.grantOnExecutions(['states:DescribeExecution'], stateMachineNames);
  }

  /** Execution names are the case ids, so the grant is `execution:<state machine name>:*` per state machine. */
  private grantOnExecutions(actions: string[], stateMachineNames: readonly string[]): this {
    const stack = Stack.of(this);
    const executionArns = stateMachineNames.map((name) =>
      stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${name}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    );
    this.addToRolePolicy(new PolicyStatement({ actions, resources: executionArns }));
    for (const name of stateMachineNames) {
      Validations.of(this.role ?? this).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${name}:*]`,
        reason: `Execution names are the case ids; the grant covers only the executions of state machine ${name}.`,
      });
    }
    return this;
  }

  /** Adds these variables to the function's environment. */
  addEnvironmentVariables(variables: Readonly<Record<string, string>>): this {
    for (const [name, value] of Object.entries(variables)) this.addEnvironment(name, value);
    return this;
  }

  /**
   * Lets the function stop running executions of the named state machines (by the execution
   * ARN stored on the case). StopExecution is authorized on executions, whose names are
   * generated, so the grant is `execution:<state machine name>:*` per state machine.
   */
  grantStopExecutions(stateMachineNames: readonly string[]): this {
    const stack = Stack.of(this);
    const executionArns = stateMachineNames.map((name) =>
      stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${name}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    );
    this.addToRolePolicy(new PolicyStatement({ actions: ['states:StopExecution'], resources: executionArns }));
    for (const name of stateMachineNames) {
      Validations.of(this.role ?? this).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${name}:*]`,
        reason: `Execution names are generated; the grant covers only the executions of state machine ${name}.`,
      });
    }
    return this;
  }

  /**
   * Lets the function report task outcomes (SendTaskSuccess/Failure/Heartbeat) to the named
   * state machines. By name rather than by reference: workflow steps hold this grant too,
   * and the workflows reference their steps, so a reference back would be a cycle.
   */
  grantTaskResults(stateMachineNames: readonly string[]): this {
    const stack = Stack.of(this);
    const stateMachineArns = stateMachineNames.map((name) =>
      stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    );
    this.addToRolePolicy(
      new PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'], resources: stateMachineArns }),
    );
    return this;
  }

  /** Publishes on the event bus (events:PutEvents on that bus only): the case events of the outbox. */
  grantPublishEvents(bus: IEventBus): this {
    bus.grantPutEventsTo(this);
    return this;
  }
}
