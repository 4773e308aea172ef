import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { localCredentials, localRegion } from '../../infra/local/local-network';
import { workflowsDirectory } from '../../workflows/definitions';
import type { TestStack } from './test-stack';
import { startTestStack } from './test-stack';
import { asAtVersion } from './type-history';

/** A local stack that runs a scratch copy of one type folder, which a test publishes into as a designer would. */
export interface ScratchTypeStack {
  /** The workflows directory the stack runs: the copy of the type folder. */
  readonly scratch: string;
  readonly stack: TestStack;
  /** A Step Functions client on the stack's endpoint. */
  readonly sfn: SFNClient;
  stop(): Promise<void>;
}

/** `asAtVersion`: the copy as it stood when that version was the type's newest (type-history). */
export async function startScratchTypeStack(key: string, name: string, options: { asAtVersion?: number } = {}): Promise<ScratchTypeStack> {
  const scratch = mkdtempSync(join(tmpdir(), `loket-${name}-`));
  cpSync(join(workflowsDirectory, key), join(scratch, key), { recursive: true });
  if (options.asAtVersion !== undefined) asAtVersion(scratch, key, options.asAtVersion);
  const stack = await startTestStack({ timeScale: 0.001, workflowsDirectory: scratch });
  const sfn = new SFNClient({ endpoint: stack.stepFunctionsEndpoint, region: localRegion, credentials: localCredentials });
  return {
    scratch,
    stack,
    sfn,
    async stop() {
      sfn.destroy();
      await stack.stop();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** The designer rewords a status's citizen text in the working copy, in both languages. */
export function rewordStatus(scratch: string, key: string, code: string, citizenText: { nl: string; en: string }): void {
  const file = join(scratch, key, 'type.json');
  const type = JSON.parse(readFileSync(file, 'utf8'));
  type.statuses.find((status: { code: string }) => status.code === code).citizenText = citizenText;
  writeFileSync(file, JSON.stringify(type, null, 2));
}
