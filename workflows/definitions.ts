import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
    // Only type folders: workflows/ also holds the designers' tools.
    .filter((entry) => entry.isDirectory() && existsSync(join(directory, entry.name, 'workflow.asl.json')))
    .map((entry) => entry.name)
    .sort()
    .map((key) => {
      const type = JSON.parse(readFileSync(join(directory, key, 'type.json'), 'utf8')) as { key: string; version: number };
      if (type.key !== key) throw new Error(`workflows/${key}/type.json declares key '${type.key}'`);
      return { key, version: type.version, definition: readFileSync(join(directory, key, 'workflow.asl.json'), 'utf8') };
    });
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
