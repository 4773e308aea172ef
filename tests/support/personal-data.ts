import { fixtureEnterprises } from '../../functions/adapters/enterprise-register.fixture';
import { fixturePeople } from '../../functions/adapters/population-register.fixture';

/** One piece of personal data to look for, and how to name it in a report without repeating it. */
export interface PersonalValue {
  readonly label: string;
  readonly pattern: RegExp;
}

/** Where a piece of personal data was found, with its surroundings and every personal value in them redacted. */
export interface Finding {
  readonly source: string;
  readonly label: string;
  readonly context: string;
}

/** The separators people and systems write national and enterprise numbers with. */
const separator = '[.\\-\\s/]?';
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A national or enterprise number however written: the digits with or without dots, dashes,
 * spaces or slashes between them (`85073003328`, `85.07.30-033.28`, `0999.000.129`), but
 * not as part of a longer number.
 */
export function identifierValue(label: string, digits: string): PersonalValue {
  return { label, pattern: new RegExp(`(?<!\\d)${[...digits].join(separator)}(?!\\d)`, 'g') };
}

/** A name or a street as a word of its own, in any letter case (`Testa`, `TESTA`), not inside a longer word. */
export function wordValue(label: string, text: string): PersonalValue {
  return { label, pattern: new RegExp(`(?<![\\p{L}\\d])${escape(text)}(?![\\p{L}\\d])`, 'giu') };
}

/** The street of an address without its house number: `Voorbeeldstraat 1` → `Voorbeeldstraat`. */
const streetName = (street: string) => street.replace(/\s+\d.*$/, '');

/**
 * Everything the fixture registers know about people and businesses, as values to look for:
 * each INSZ and KBO number, each given and family name, each enterprise name and each street
 * of their addresses. `extra` adds what a test submitted itself (other applicants, addresses,
 * licence plates).
 */
export function fixturePersonalData(extra: readonly PersonalValue[] = []): PersonalValue[] {
  const values: PersonalValue[] = [];
  fixturePeople.forEach((person, index) => {
    const who = `person ${index + 1}`;
    values.push(identifierValue(`${who}: INSZ`, person.insz));
    values.push(wordValue(`${who}: given name`, person.givenName));
    values.push(wordValue(`${who}: family name`, person.familyName));
    values.push(wordValue(`${who}: street`, streetName(person.address.street)));
  });
  fixtureEnterprises.forEach((enterprise, index) => {
    const which = `enterprise ${index + 1}`;
    values.push(identifierValue(`${which}: KBO`, enterprise.kbo));
    values.push(wordValue(`${which}: name`, enterprise.name));
    values.push(wordValue(`${which}: seat street`, streetName(enterprise.seat.street)));
  });
  return [...values, ...extra];
}

/** `text` with every personal value in it replaced by its label. */
export function redact(text: string, values: readonly PersonalValue[]): string {
  return values.reduce((redacted, value) => redacted.replace(value.pattern, `‹${value.label}›`), text);
}

/**
 * Every occurrence of a personal value in `text`, each with about 60 characters around it,
 * redacted, so that a report of a leak does not leak again.
 */
export function findPersonalData(source: string, text: string, values: readonly PersonalValue[]): Finding[] {
  const findings: Finding[] = [];
  for (const value of values) {
    for (const match of text.matchAll(value.pattern)) {
      const start = Math.max(0, match.index - 60);
      const end = Math.min(text.length, match.index + match[0].length + 60);
      findings.push({ source, label: value.label, context: redact(text.slice(start, end), values).replace(/\s+/g, ' ') });
    }
  }
  return findings;
}

/** Findings as lines a failing assertion can show: where, what, and the redacted surroundings. */
export function reportFindings(findings: readonly Finding[], limit = 40): string {
  const lines = findings.slice(0, limit).map((finding) => `${finding.source}: ${finding.label} in …${finding.context}…`);
  if (findings.length > limit) lines.push(`… and ${findings.length - limit} more`);
  return lines.join('\n');
}
