import type { ValidateStateMachineDefinitionDiagnostic } from '@aws-sdk/client-sfn';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { findTaskStates, isJsonObject, type JsonObject } from './asl-definition';
import { SfnError } from './sfn-error';
import { resolveTaskIntegration, type TaskIntegration, type TaskIntegrationServices } from './task-integrations';

export type Diagnostic = Required<Pick<ValidateStateMachineDefinitionDiagnostic, 'severity' | 'code' | 'message'>> & { location?: string };

/** What a definition checks to: its findings, and when it has none, the definition and an integration per Task state. */
export interface CheckedDefinition {
  readonly diagnostics: Diagnostic[];
  readonly definition?: JsonObject;
  readonly tasks: Map<string, { integration: TaskIntegration; state: JsonObject }>;
}

/** asl-validator's codes where AWS names the same finding otherwise. */
const AWS_CODES: Record<string, string> = { DUPLICATE_STATE_NAMES: 'DUPLICATE_STATE_NAME' };

function error(code: string, message: string, location?: string): Diagnostic {
  return { severity: 'ERROR', code, message, ...(location !== undefined && { location }) };
}

/** One line of the interpreter's validation error, `CODE: /json/pointer is invalid. reason` or `CODE: text`. */
function fromValidatorLine(line: string): Diagnostic {
  const [, code = 'SCHEMA_VALIDATION_FAILED', message = line] = /^([A-Z_]+): (.*)$/s.exec(line.trim()) ?? [];
  const location = /^(\/\S*) is invalid/.exec(message)?.[1];
  return error(AWS_CODES[code] ?? code, message, location);
}

/**
 * Checks a definition as CreateStateMachine and ValidateStateMachineDefinition do, and reports
 * in AWS's diagnostics shape (severity, code, message, location): JSON syntax, the Amazon States
 * Language schema and graph (asl-validator, through the interpreter), then each Task's resource
 * against what this host can run.
 */
export function checkDefinition(text: string, services: TaskIntegrationServices): CheckedDefinition {
  const tasks: CheckedDefinition['tasks'] = new Map();
  if (text.trim() === '') return { diagnostics: [error('MISSING_DESCRIPTION', 'The definition is empty')], tasks };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (failure) {
    return { diagnostics: [error('INVALID_JSON_DESCRIPTION', `The definition is not valid JSON: ${(failure as Error).message}`)], tasks };
  }
  if (!isJsonObject(parsed) || !isJsonObject(parsed.States) || typeof parsed.StartAt !== 'string') {
    return { diagnostics: [error('SCHEMA_VALIDATION_FAILED', "'StartAt' and 'States' are required", '/')], tasks };
  }
  try {
    new StateMachine(parsed as unknown as StateMachineDefinition);
  } catch (failure) {
    const detail = (failure as Error).message.replace(/^State machine definition is invalid, see error\(s\) below:\s*/, '');
    return { diagnostics: detail.split('\n').filter((line) => line.trim() !== '').map(fromValidatorLine), tasks };
  }
  const diagnostics: Diagnostic[] = [];
  for (const { name, state } of findTaskStates(parsed)) {
    try {
      tasks.set(name, { integration: resolveTaskIntegration(name, state.Resource, services), state });
    } catch (failure) {
      if (!(failure instanceof SfnError)) throw failure;
      diagnostics.push(error('INVALID_RESOURCE', failure.message.replace(/^Invalid State Machine Definition: /, ''), `/States/${name}/Resource`));
    }
  }
  return diagnostics.length > 0 ? { diagnostics, tasks } : { diagnostics, definition: parsed, tasks };
}

/** CreateStateMachine's and UpdateStateMachine's refusal of a definition with findings. */
export function invalidDefinition(diagnostics: readonly Diagnostic[]): SfnError {
  const detail = diagnostics.map((diagnostic) => `${diagnostic.code}: ${diagnostic.message}`).join('\n');
  return new SfnError('InvalidDefinition', `Invalid State Machine Definition: ${detail}`);
}
