import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { validateWorkflowFolder } from '../../designer/lint';
import { publishType } from '../../designer/publish';
import { directoryCatalogue } from '../../functions/catalogue/catalogue';
import { migrationEntryState, movedCasesTakenUpTo } from '../../functions/domain/migration';
import { loadPublishedWorkflows } from '../../workflows/definitions';
import { publishedVersions, typeFolderNames, typesDirectory, versionFolderOf } from '../../workflows/type-loader';
import { asAtVersion } from '../support/type-history';

const key = 'proof-of-residence';
let directory: string;
const printed: string[] = [];
const publish = () => publishType({ key, directory, print: (line) => printed.push(line) });
const typeFile = (folder = key) => join(directory, folder, 'type.json');
const readType = (folder = key) => JSON.parse(readFileSync(typeFile(folder), 'utf8'));
/** The draft's citizen text of `issued`, changed as a designer would. */
function rewordIssued(en: string): void {
  const type = readType();
  type.statuses.find((status: { code: string }) => status.code === 'issued').citizenText.en = en;
  writeFileSync(typeFile(), JSON.stringify(type, null, 2));
}
const issuedText = (type: { statuses: ReadonlyArray<{ code: string; citizenText: { en: string } }> } | undefined) =>
  type?.statuses.find((status) => status.code === 'issued')?.citizenText.en;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'loket-versions-'));
  cpSync(join(typesDirectory, key), join(directory, key), { recursive: true });
  // The story starts with version 1, whose workflow publishes CaseClosed.v1 itself, the newest.
  asAtVersion(directory, key, 1);
  printed.length = 0;
});

afterEach(() => rmSync(directory, { recursive: true, force: true }));

describe('publishing a type version', () => {
  test('a working copy unchanged since its last version, that would deploy the same workflow, is not published again', async () => {
    const parking = 'resident-parking-permit';
    cpSync(join(typesDirectory, parking), join(directory, parking), { recursive: true });
    const kept = publishedVersions(directory, parking);
    expect(await publishType({ key: parking, directory, print: (line) => printed.push(line) })).toEqual({ refused: [`${parking}: the working copy is version ${kept.at(-1)} as published; change it first`] });
    expect(publishedVersions(directory, parking)).toEqual(kept);
  });

  test('an unchanged working copy whose next version would deploy another workflow is published: version 1 publishes CaseClosed.v1 in its workflow, version 2 in its closing step', async () => {
    expect(await publish()).toEqual({ version: 2 });
    const [first, second] = loadPublishedWorkflows(directory)[0]!.versions.map((source) => JSON.parse(source.definition));
    expect(first.States).toHaveProperty('PublishCaseClosed');
    expect(second.States).not.toHaveProperty('PublishCaseClosed');
  });

  test('an unchanged working copy of a version that took moved cases by default is published: the next version starts at its own start, without the entry state', async () => {
    const parking = 'resident-parking-permit';
    const last = movedCasesTakenUpTo[parking]!;
    cpSync(join(typesDirectory, parking), join(directory, parking), { recursive: true });
    asAtVersion(directory, parking, last);
    expect(await publishType({ key: parking, directory, print: (line) => printed.push(line) })).toEqual({ version: last + 1 });
    const starts = loadPublishedWorkflows(directory).find((published) => published.key === parking)!.versions.map((source) => JSON.parse(source.definition).StartAt);
    expect(starts.slice(-2)).toEqual([migrationEntryState, 'LookUpApplicant']);
  });

  test('a working copy that asks to take moved cases is published with the entry state; asking no more publishes one without', async () => {
    const type = readType();
    writeFileSync(typeFile(), JSON.stringify({ ...type, takesMovedCases: true }, null, 2));
    expect(await publish()).toEqual({ version: 2 });
    expect(readType(versionFolderOf(key, 2)).takesMovedCases).toBe(true);
    // Version 2 took moved cases anyway (published before that was a choice): the same files, the same workflow.
    expect(await publish()).toEqual({ refused: [`${key}: the working copy is version 2 as published; change it first`] });
    const asking = readType();
    writeFileSync(typeFile(), JSON.stringify({ ...asking, takesMovedCases: true, title: { ...asking.title, en: 'Proof of residence (moved cases)' } }, null, 2));
    expect(await publish()).toEqual({ version: 3 });
    const { takesMovedCases: _asked, ...notAsking } = readType();
    writeFileSync(typeFile(), JSON.stringify(notAsking, null, 2));
    expect(await publish()).toEqual({ version: 4 });
    const starts = loadPublishedWorkflows(directory)[0]!.versions.map((source) => JSON.parse(source.definition).StartAt);
    expect(starts).toEqual([migrationEntryState, migrationEntryState, migrationEntryState, 'LookUpApplicant']);
  });

  test('a changed working copy becomes the next version, kept apart; the draft takes its number', async () => {
    rewordIssued('Your proof of residence is ready to download.');
    expect(await publish()).toEqual({ version: 2 });
    expect(publishedVersions(directory, key)).toEqual([1, 2]);
    expect(readType(versionFolderOf(key, 2))).toMatchObject({ version: 2, $schema: '../../../type.schema.json' });
    expect(readType()).toMatchObject({ version: 2, $schema: '../type.schema.json' });
    expect(readFileSync(join(directory, versionFolderOf(key, 2), 'workflow.asl.json'), 'utf8')).toBe(readFileSync(join(directory, key, 'workflow.asl.json'), 'utf8'));
    expect(existsSync(join(directory, versionFolderOf(key, 2), 'document.nl.txt'))).toBe(true);
    // Version 1 is as it was.
    expect(issuedText(readType(versionFolderOf(key, 1)))).toBe('Your proof of residence is ready.');
  });

  test('a working copy that does not validate is refused, and nothing is written', async () => {
    const type = readType();
    delete type.title;
    writeFileSync(typeFile(), JSON.stringify(type, null, 2));
    const report = await publish();
    expect(report.refused?.length).toBeGreaterThan(0);
    expect(printed.at(-1)).toBe('Nothing was published.');
    expect(publishedVersions(directory, key)).toEqual([1]);
  });

  test('the catalogue gives new cases the newest version and each case its own, including a version published after it loaded', async () => {
    const catalogue = directoryCatalogue(directory);
    expect(catalogue.find(key)?.version).toBe(1);
    rewordIssued('Your proof of residence is ready to download.');
    // An edit of the working copy reaches no case before it is published.
    expect(issuedText(catalogue.find(key))).toBe('Your proof of residence is ready.');
    await publish();
    expect(catalogue.find(key)?.version).toBe(2);
    expect(catalogue.versionsOf(key)?.map((type) => type.version)).toEqual([1, 2]);
    expect(issuedText(catalogue.ofCase({ id: 'old', type: { key, version: 1 } }))).toBe('Your proof of residence is ready.');
    expect(issuedText(catalogue.ofCase({ id: 'new', type: { key, version: 2 } }))).toBe('Your proof of residence is ready to download.');
    expect(catalogue.documentOf({ key, version: 1 })).toBeDefined();
    expect(() => catalogue.ofCase({ id: 'x', type: { key, version: 3 } })).toThrow('version 3, which is not published');
  });

  test('each kept version deploys as its own workflow, even when only texts changed', async () => {
    rewordIssued('Your proof of residence is ready to download.');
    await publish();
    const [published] = loadPublishedWorkflows(directory);
    expect(published?.versions.map((source) => source.version)).toEqual([1, 2]);
    const [first, second] = (published?.versions ?? []).map((source) => JSON.parse(source.definition));
    expect(first.Comment).toContain('version 1.');
    expect(second.Comment).toContain('version 2.');
    // The same workflow, but for its end: version 1 publishes CaseClosed.v1 in its PublishCaseClosed state, version 2 (published
    // since) leaves that to its closing step (closing-notice), and ends where version 1 went on to PublishCaseClosed.
    const endingAtClosing = (definition: any) => {
      const { PublishCaseClosed: _publish, CaseClosedEventNotPublished: _failed, ...states } = definition.States;
      for (const [name, state] of Object.entries<any>(states)) {
        if (state.Next !== 'PublishCaseClosed') continue;
        const { Next: _next, ...rest } = state;
        states[name] = { ...rest, End: true };
      }
      const choices = JSON.stringify(states.MigrationEntry.Choices).replace(/,\{"Variable":"\$\.resumeAt","StringEquals":"(PublishCaseClosed|CaseClosedEventNotPublished)","Next":"\1"\}/g, '');
      return { ...definition, Comment: '', States: { ...states, MigrationEntry: { ...states.MigrationEntry, Choices: JSON.parse(choices) } } };
    };
    expect(second.States).not.toHaveProperty('PublishCaseClosed');
    expect({ ...second, Comment: '' }).toEqual(endingAtClosing(first));
  });
});

describe('the shipped versions', () => {
  /**
   * The rule that keeps steps compatible: a step (functions/steps) serves every version still
   * running, so every kept version must still validate against today's steps and rules. A change
   * a kept version cannot take needs a new step, not a changed one.
   */
  test('every kept version of every type still validates against today\'s steps', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'loket-kept-'));
    try {
      const checked = typeFolderNames().flatMap((type) =>
        publishedVersions(typesDirectory, type).map((version) => {
          rmSync(join(scratch, type), { recursive: true, force: true });
          cpSync(join(typesDirectory, versionFolderOf(type, version)), join(scratch, type), { recursive: true });
          return { type, version, problems: validateWorkflowFolder(type, scratch).problems };
        }),
      );
      expect(checked.length).toBeGreaterThanOrEqual(typeFolderNames().length);
      expect(checked.filter((result) => result.problems.length > 0)).toEqual([]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  test('every type\'s working copy is its newest version or the one after it', () => {
    for (const type of typeFolderNames()) {
      const newest = publishedVersions(typesDirectory, type).at(-1) ?? 0;
      const draft = JSON.parse(readFileSync(join(typesDirectory, type, 'type.json'), 'utf8')).version;
      expect({ type, draft, oneOf: [newest, newest + 1].includes(draft) }).toEqual({ type, draft, oneOf: true });
    }
  });
});
