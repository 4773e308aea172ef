/**
 * The template language of a type's documents, small on purpose so that a designer can read it
 * and the lint can check it:
 * - `{{field}}` writes a field's value (`{{data.eventName}}`, `{{tenant.name}}`, `{{holder}}`);
 * - `{{#field}}…{{/field}}` writes what it encloses only when the field has a value (a
 *   non-empty text, a number, or a condition that holds); `{{^field}}…{{/field}}` only when not;
 * - lines that follow each other form one paragraph (joined by a space, so a sentence may be
 *   written on several lines); an empty line starts a new paragraph.
 * A value is written as it is: it is never read as template text.
 */

/** A field a template may name: `value` may be written, `condition` may only open a section. */
export type FieldUse = 'value' | 'condition';

type TemplateNode =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'section'; readonly name: string; readonly inverted: boolean; readonly children: readonly TemplateNode[] };

/** A mistake in a template: what is wrong, and how to fix it. */
export interface TemplateProblem {
  readonly what: string;
  readonly fix: string;
}

/** What a field holds when a document is written; absent when the case has no such value. */
export type FieldValue = string | number | boolean | undefined;

const tag = /\{\{\s*([#^/]?)\s*([A-Za-z0-9_.-]*)\s*\}\}/g;

/** The template's text with its lines joined into paragraphs, separated by a newline. */
function paragraphsOf(source: string): string {
  const paragraphs: string[][] = [[]];
  for (const line of source.split(/\r?\n/).map((raw) => raw.trim())) {
    if (line === '') paragraphs.push([]);
    else paragraphs.at(-1)!.push(line);
  }
  return paragraphs
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join(' '))
    .join('\n');
}

/** Parses a template; a tag that is not closed, or closed in the wrong place, is a problem. */
function parse(source: string): { nodes: TemplateNode[]; problems: TemplateProblem[] } {
  const text = paragraphsOf(source);
  const problems: TemplateProblem[] = [];
  const root: TemplateNode[] = [];
  const open: Array<{ name: string; inverted: boolean; children: TemplateNode[] }> = [];
  const current = () => open.at(-1)?.children ?? root;
  const addText = (part: string) => {
    if (part.includes('{{') || part.includes('}}')) {
      problems.push({ what: `"${part.trim()}" has a "{{" or "}}" that is no placeholder`, fix: 'write a placeholder as {{field}}, {{#field}}, {{^field}} or {{/field}}' });
    }
    current().push({ kind: 'text', text: part });
  };
  let at = 0;
  for (const match of text.matchAll(tag)) {
    addText(text.slice(at, match.index));
    at = match.index + match[0].length;
    // Both groups take part in every match of `tag` (each may match nothing, never fail).
    const [, sigil, name] = match as unknown as readonly [string, string, string];
    if (name === '') {
      problems.push({ what: `"${match[0]}" names no field`, fix: 'write the field between the braces, e.g. {{number}}' });
      continue;
    }
    if (sigil === '#' || sigil === '^') {
      open.push({ name, inverted: sigil === '^', children: [] });
    } else if (sigil === '/') {
      const section = open.pop();
      if (!section || section.name !== name) {
        problems.push({
          what: section ? `{{/${name}}} closes {{${section.inverted ? '^' : '#'}${section.name}}}` : `{{/${name}}} closes no section`,
          fix: section ? `close it with {{/${section.name}}} first` : `open it with {{#${name}}} or {{^${name}}}, or remove it`,
        });
        if (section) open.push(section);
        continue;
      }
      const children = section.children;
      current().push({ kind: 'section', name, inverted: section.inverted, children });
    } else {
      current().push({ kind: 'field', name });
    }
  }
  addText(text.slice(at));
  for (const section of open.reverse()) {
    problems.push({ what: `{{${section.inverted ? '^' : '#'}${section.name}}} is not closed`, fix: `close it with {{/${section.name}}}` });
  }
  return { nodes: root, problems };
}

function usesOf(nodes: readonly TemplateNode[], into: Array<{ name: string; as: FieldUse }> = []): Array<{ name: string; as: FieldUse }> {
  for (const node of nodes) {
    if (node.kind === 'field') into.push({ name: node.name, as: 'value' });
    if (node.kind === 'section') {
      into.push({ name: node.name, as: 'condition' });
      usesOf(node.children, into);
    }
  }
  return into;
}

/**
 * What is wrong with a template, given the fields it may name: its structure, a placeholder
 * that names no field, and a condition written as a value. Empty when the template is sound.
 */
export function templateProblems(source: string, fields: ReadonlyMap<string, FieldUse>): TemplateProblem[] {
  const { nodes, problems } = parse(source);
  const known = [...fields.keys()].sort().join(', ');
  const reported = new Set<string>();
  for (const use of usesOf(nodes)) {
    const declared = fields.get(use.name);
    const key = `${use.as} ${use.name}`;
    if (reported.has(key)) continue;
    if (declared === undefined) {
      reported.add(key);
      problems.push({ what: `{{${use.as === 'condition' ? '#' : ''}${use.name}}} names no field of the case`, fix: `use one of ${known}` });
    } else if (declared === 'condition' && use.as === 'value') {
      reported.add(key);
      problems.push({ what: `{{${use.name}}} is a condition, not a text`, fix: `use it as a section: {{#${use.name}}}…{{/${use.name}}}` });
    }
  }
  return problems;
}

const holds = (value: FieldValue) => value !== undefined && value !== false && value !== '';

function write(nodes: readonly TemplateNode[], values: (name: string) => FieldValue): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') out += node.text;
    else if (node.kind === 'field') out += String(values(node.name) ?? '');
    else if (holds(values(node.name)) !== node.inverted) out += write(node.children, values);
  }
  return out;
}

/**
 * Writes a template with the values given. A template with problems (see
 * {@link templateProblems}) is refused: the catalogue checks every template when it loads, so
 * this only throws for a template that was never checked.
 */
export function renderTemplate(source: string, values: (name: string) => FieldValue): string {
  const { nodes, problems } = parse(source);
  if (problems.length > 0) throw new Error(`the template cannot be written: ${problems.map((found) => found.what).join('; ')}`);
  return write(nodes, values);
}
