import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishedVersions, versionFolderOf } from '../../workflows/type-loader';

/**
 * Turns a copy of a type folder back to how it stood when `version` was its newest: the versions
 * published after it removed, the working copy that version's files. For a test that tells a
 * story from that version on (publish the next one, move cases to it), whatever the type's
 * newest version is today.
 */
export function asAtVersion(directory: string, key: string, version: number): void {
  for (const later of publishedVersions(directory, key).filter((kept) => kept > version)) rmSync(join(directory, versionFolderOf(key, later)), { recursive: true });
  cpSync(join(directory, versionFolderOf(key, version)), join(directory, key), { recursive: true });
  const typeFile = join(directory, key, 'type.json');
  writeFileSync(typeFile, JSON.stringify({ ...JSON.parse(readFileSync(typeFile, 'utf8')), $schema: '../type.schema.json' }, null, 2));
}
