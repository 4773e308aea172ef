import {
  CreateStateMachineAliasCommand,
  CreateStateMachineCommand,
  ResourceNotFound,
  UpdateStateMachineAliasCommand,
  UpdateStateMachineCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { aliasArnOf, typeVersionDescription, workflowAlias } from '../../functions/adapters/workflow-engine';
import { stateMachineNameOf, workflowsRoleName } from '../deployment';
import { localAccountId } from './local-network';

/**
 * Publishes one type version's workflow on the local Step Functions endpoint, as a deployment
 * does on AWS: the state machine takes the version's definition (created with it when it does
 * not exist yet) and publishes it as a Step Functions version described `type version <n>`,
 * which is how a started case learns the type version it runs on. Returns the version's ARN.
 * Running executions keep the version they started on.
 */
export async function publishWorkflowVersion(
  sfn: SFNClient,
  target: { readonly key: string; readonly stateMachineArn: string; readonly version: number; readonly definition: string },
): Promise<string> {
  const description = typeVersionDescription(target.version);
  try {
    const { stateMachineVersionArn } = await sfn.send(
      new UpdateStateMachineCommand({ stateMachineArn: target.stateMachineArn, definition: target.definition, publish: true, versionDescription: description }),
    );
    if (stateMachineVersionArn) return stateMachineVersionArn;
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'StateMachineDoesNotExist') throw error;
    const created = await sfn.send(
      new CreateStateMachineCommand({
        name: stateMachineNameOf(target.key),
        type: 'STANDARD',
        roleArn: `arn:aws:iam::${localAccountId}:role/${workflowsRoleName}`,
        definition: target.definition,
        publish: true,
        versionDescription: description,
      }),
    );
    if (created.stateMachineArn !== target.stateMachineArn) {
      throw new Error(`State machine of ${target.key} is ${String(created.stateMachineArn)}, not ${target.stateMachineArn} as the deployment model says`);
    }
    if (created.stateMachineVersionArn) return created.stateMachineVersionArn;
  }
  throw new Error(`Step Functions published no version of ${target.key} version ${target.version}`);
}

/** Routes the type's alias (`live`) entirely to a version, creating the alias the first time: new cases start on that version. */
export async function moveWorkflowAlias(sfn: SFNClient, stateMachineArn: string, versionArn: string): Promise<string> {
  const routingConfiguration = [{ stateMachineVersionArn: versionArn, weight: 100 }];
  const aliasArn = aliasArnOf(stateMachineArn);
  try {
    await sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: aliasArn, routingConfiguration }));
  } catch (error) {
    if (!(error instanceof ResourceNotFound)) throw error;
    await sfn.send(new CreateStateMachineAliasCommand({ name: workflowAlias, routingConfiguration, description: 'The version new cases start on' }));
  }
  return aliasArn;
}

/**
 * Publishes a definition as the type version's workflow and moves the alias to it: what a test or
 * the run tool does to try a changed definition, since cases start on the alias and an update
 * alone reaches no new case.
 */
export async function publishAndRouteWorkflow(
  sfn: SFNClient,
  target: { readonly key: string; readonly stateMachineArn: string; readonly version: number; readonly definition: string },
): Promise<string> {
  return moveWorkflowAlias(sfn, target.stateMachineArn, await publishWorkflowVersion(sfn, target));
}
