import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workflowsDirectory } from '../../workflows/definitions';

/** An edit of a copied type folder's files, each parsed from and written back as JSON. */
export interface TypeFolderEdit {
  readonly workflow?: (definition: any) => void;
  readonly type?: (type: any) => void;
}

/**
 * A copy of one shipped type folder in a workflows directory of its own under `scratch`,
 * edited; returns that directory.
 */
export function editedTypeCopy(scratch: string, name: string, edit: TypeFolderEdit, key: string): string {
  const directory = join(scratch, name);
  cpSync(join(workflowsDirectory, key), join(directory, key), { recursive: true });
  for (const [file, change] of [['workflow.asl.json', edit.workflow], ['type.json', edit.type]] as const) {
    if (!change) continue;
    const path = join(directory, key, file);
    const content = JSON.parse(readFileSync(path, 'utf8'));
    change(content);
    writeFileSync(path, JSON.stringify(content, null, 2));
  }
  return directory;
}
