import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTypeVersion } from './type-loader';

/** The folder that holds one sub-folder per transaction type. */
export const workflowsDirectory = dirname(fileURLToPath(import.meta.url));

export interface WorkflowSource {
  /** Transaction type key, the folder's name. */
  readonly key: string;
  readonly version: number;
  /** The ASL as written, with its `${Placeholder}` names unresolved. */
  readonly definition: string;
}

/**
 * Reads every `workflows/<key>/workflow.asl.json` with its type's version, in key order so
 * that synthesis is deterministic. Used at build and start-up time only, never by a Lambda.
 */
export function loadWorkflowSources(directory: string = workflowsDirectory): WorkflowSource[] {
  return readdirSync(directory, { withFileTypes: true })
    // Only type folders with a workflow: workflows/ also holds the loader and these helpers.
    .filter((entry) => entry.isDirectory() && existsSync(join(directory, entry.name, 'workflow.asl.json')))
    .map((entry) => entry.name)
    .sort()
    .map((key) => ({ key, version: readTypeVersion(directory, key).version, definition: readFileSync(join(directory, key, 'workflow.asl.json'), 'utf8') }));
}

/** The `${Name}` placeholders a definition uses, sorted and without duplicates. */
export function placeholdersIn(definition: string): string[] {
  return [...new Set([...definition.matchAll(/\$\{([A-Za-z][A-Za-z0-9]*)\}/g)].map((match) => match[1] as string))].sort();
}

/** Resolves `${Name}` placeholders the way CDK's DefinitionSubstitutions do; an unknown one is an error. */
export function substitutePlaceholders(definition: string, values: Readonly<Record<string, string>>): string {
  return definition.replace(/\$\{([A-Za-z][A-Za-z0-9]*)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No value for workflow placeholder \${${name}}`);
    return value;
  });
}
