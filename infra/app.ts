import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { FunctionDeclaration } from '../functions/app.declaration';
import { projectRoot } from './constructs/loket-function.construct';
import { dosisProductionEndpoints, listOf, logLevelOf, type Naming, namingOf } from './deployment';
import { StatefulStack } from './stacks/stateful.stack';
import { StatelessStack } from './stacks/stateless.stack';

export const contextKeys = {
  jwtIssuer: 'loket:jwtIssuer',
  jwtAudience: 'loket:jwtAudience',
  /** E-mail addresses told of every alarm, comma-separated. */
  alarmEmails: 'loket:alarmEmails',
  /** HTTPS endpoints (a chat webhook, a paging service) told of every alarm, comma-separated. */
  alarmHttpsEndpoints: 'loket:alarmHttpsEndpoints',
  /** POWERTOOLS_LOG_LEVEL of the functions: DEBUG, INFO (the default), WARN, ERROR. */
  logLevel: 'loket:logLevel',
  /**
   * The environment (`test`, `prod`) every name carries, so that several share an account and
   * region: stacks `Loket<Env>Stateful`, functions `loket-<env>-…`. Absent: the default names.
   */
  environment: 'loket:environment',
  /** The citizen's case overview's dossier API (DOSIS): its production endpoint unless set. */
  caseOverviewUrl: 'loket:caseOverviewUrl',
  /** The token endpoint that grants access to the case overview: the Flemish authorization server's unless set. */
  caseOverviewTokenUrl: 'loket:caseOverviewTokenUrl',
} as const;

export interface BuildAppOptions {
  /**
   * Context on top of cdk.json's; the CDK CLI's own context (`-c`) still wins.
   * @default - cdk.json's context only
   */
  readonly context?: Readonly<Record<string, unknown>>;
  /**
   * Where the cloud assembly is written.
   * @default - the CLI's output directory, or a fresh temporary directory
   */
  readonly outdir?: string;
  /**
   * The functions to deploy.
   * @default functions from functions/app.declaration.ts
   */
  readonly functions?: readonly FunctionDeclaration[];
}

export interface LoketApp {
  readonly app: App;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
  readonly naming: Naming;
}

/** cdk.json's context, so that an in-process synthesis (tests) gets the same feature flags as `cdk synth`. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

function optionalContext(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^https:\/\/\S+$/.test(value)) throw new Error(`Context '${key}' must be an https URL`);
  return value;
}

function requiredContext(app: App, key: string): string {
  const value: unknown = app.node.tryGetContext(key);
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error(`Context '${key}' is missing: set it in cdk.json or pass -c ${key}=<value>`);
  }
  return value;
}

function optionalEnvironment(app: App): string | undefined {
  const value: unknown = app.node.tryGetContext(contextKeys.environment);
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`Context '${contextKeys.environment}' must be a string`);
  return value;
}

function optionalLogLevel(app: App): string | undefined {
  const value: unknown = app.node.tryGetContext(contextKeys.logLevel);
  if (value === undefined || value === '') return undefined;
  return logLevelOf(String(value), `Context '${contextKeys.logLevel}'`);
}

/**
 * Builds Loket's two stacks, environment-agnostic (no lookups, no credentials needed), with
 * the AWS Solutions checks of cdk-nag: synthesis fails on any finding that is neither fixed
 * nor acknowledged with a reason on the construct it concerns.
 */
export function buildApp(options: BuildAppOptions = {}): LoketApp {
  const app = new App({ context: { ...cdkJsonContext(), ...options.context }, outdir: options.outdir });
  const naming = namingOf(optionalEnvironment(app), `Context '${contextKeys.environment}'`);
  const of = naming.environment ? ` (${naming.environment})` : '';
  const stateful = new StatefulStack(app, naming.stackName('Stateful'), {
    description: `Loket${of}: KMS key, case table, event bus and documents bucket (retained on delete)`,
    naming,
  });
  const stateless = new StatelessStack(app, naming.stackName('Stateless'), {
    description: `Loket${of}: functions, HTTP API, workflows, dashboard and alarms`,
    naming,
    ...(options.functions && { functions: options.functions }),
    table: stateful.table,
    key: stateful.key,
    pseudonymKey: stateful.pseudonymKey,
    auditSealKey: stateful.auditSealKey,
    eventBus: stateful.eventBus,
    documentsBucket: stateful.documentsBucket,
    jwtIssuer: requiredContext(app, contextKeys.jwtIssuer),
    jwtAudience: requiredContext(app, contextKeys.jwtAudience),
    caseOverview: {
      url: optionalContext(app, contextKeys.caseOverviewUrl) ?? dosisProductionEndpoints.url,
      tokenUrl: optionalContext(app, contextKeys.caseOverviewTokenUrl) ?? dosisProductionEndpoints.tokenUrl,
      credentials: stateful.caseOverviewCredentials,
    },
    alarmSubscriptions: {
      emails: listOf(app.node.tryGetContext(contextKeys.alarmEmails), `Context '${contextKeys.alarmEmails}'`),
      httpsEndpoints: listOf(app.node.tryGetContext(contextKeys.alarmHttpsEndpoints), `Context '${contextKeys.alarmHttpsEndpoints}'`),
    },
    logLevel: optionalLogLevel(app),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stateful, stateless, naming };
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) buildApp().app.synth();
