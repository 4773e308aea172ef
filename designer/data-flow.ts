import jsonata from 'jsonata';
import type { TransactionType } from '../functions/domain/transaction-type';
import { stepContracts, workflowInputFields } from './step-contracts';
import { awaitedName, invokedStep, isJsonataExpression, isObject, nestedMachines, waitsForTaskToken, type Machine, type State } from './workflow-graph';

/**
 * What the lint knows of the JSON a state receives: the fields written on every path into it.
 * `open` marks a value whose fields are unknown (a service's answer, an array): every path
 * below it counts as written. `values` are the strings a leaf can hold when they are known (a
 * literal, a task's declared outcomes); `outcomeOf` names the tasks whose outcome it is.
 */
export interface Shape {
  readonly open: boolean;
  readonly fields: ReadonlyMap<string, Shape>;
  readonly values?: ReadonlySet<string>;
  readonly outcomeOf?: ReadonlySet<string>;
}

const openShape: Shape = { open: true, fields: new Map() };
const closedLeaf: Shape = { open: false, fields: new Map() };
/** Deeper than this, a shape is open: a loop that nests its input in itself would grow without end. */
const maxDepth = 12;

const objectShape = (fields: Iterable<readonly [string, Shape]>): Shape => ({ open: false, fields: new Map(fields) });
const union = <T>(a: ReadonlySet<T> | undefined, b: ReadonlySet<T> | undefined) => (a && b ? new Set([...a, ...b]) : undefined);

/** The fields written on both ways into a state: what every path guarantees. */
export function meet(a: Shape, b: Shape): Shape {
  // Stryker disable next-line ConditionalExpression: a shortcut; without it meet(a, a) builds a shape equal to a
  if (a === b) return a;
  const fields = new Map<string, Shape>();
  for (const [name, inA] of a.fields) {
    const inB = b.fields.get(name);
    if (inB) fields.set(name, meet(inA, inB));
    else if (b.open) fields.set(name, inA);
  }
  if (a.open) for (const [name, inB] of b.fields) if (!a.fields.has(name)) fields.set(name, inB);
  const outcomeOf = a.outcomeOf || b.outcomeOf ? new Set([...(a.outcomeOf ?? []), ...(b.outcomeOf ?? [])]) : undefined;
  return { open: a.open && b.open, fields, values: union(a.values, b.values), ...(outcomeOf ? { outcomeOf } : {}) };
}

/** Whether two shapes say the same: the analysis has reached its fixpoint when every state's shape stays the same. */
export function sameShape(a: Shape, b: Shape): boolean {
  // Stryker disable next-line ConditionalExpression: a shortcut; without it the comparison below finds a shape the same as itself
  if (a === b) return true;
  if (a.open !== b.open || a.fields.size !== b.fields.size) return false;
  if ((a.values?.size ?? -1) !== (b.values?.size ?? -1) || [...(a.values ?? [])].some((value) => !b.values?.has(value))) return false;
  if ((a.outcomeOf?.size ?? 0) !== (b.outcomeOf?.size ?? 0) || [...(a.outcomeOf ?? [])].some((task) => !b.outcomeOf?.has(task))) return false;
  for (const [name, inA] of a.fields) {
    const inB = b.fields.get(name);
    if (!inB || !sameShape(inA, inB)) return false;
  }
  return true;
}

/** The shape with everything nested deeper than `maxDepth` open, so that a loop nesting its input in itself ends. */
export function capped(shape: Shape, depth = 0): Shape {
  if (depth >= maxDepth) return openShape;
  if (shape.fields.size === 0) return shape;
  return { ...shape, fields: new Map([...shape.fields].map(([name, inner]) => [name, capped(inner, depth + 1)])) };
}

/** The shape of a literal JSON value in a definition. */
function literalShape(value: unknown): Shape {
  if (typeof value === 'string') return { open: false, fields: new Map(), values: new Set([value]) };
  if (isObject(value)) return objectShape(Object.entries(value).map(([name, inner]) => [name, literalShape(inner)]));
  return Array.isArray(value) ? openShape : closedLeaf;
}

/** A reference path split into its fields: `$.a.b`, `$['a']`, a variable `$v.a`; `exact` is false when it goes on with an index, wildcard or filter. */
interface ParsedPath {
  readonly variable?: string;
  readonly fields: readonly string[];
  readonly exact: boolean;
}

export function parsePath(path: string): ParsedPath | undefined {
  if (path.startsWith('$$')) return undefined;
  const head = /^\$([A-Za-z_][A-Za-z0-9_]*)?/.exec(path);
  if (!head) return undefined;
  const fields: string[] = [];
  let rest = path.slice(head[0].length);
  while (rest.length > 0) {
    const dotted = /^\.([^.[\]]+)/.exec(rest) ?? /^\['([^']*)'\]/.exec(rest) ?? /^\["([^"]*)"\]/.exec(rest);
    if (!dotted || dotted[1] === '*') return { variable: head[1], fields, exact: false };
    fields.push(dotted[1] as string);
    rest = rest.slice(dotted[0].length);
  }
  return { variable: head[1], fields, exact: true };
}

/** A quoted text of an intrinsic function's arguments, with its escapes. */
const quotedText = String.raw`'(?:\\.|[^'\\])*'`;
/**
 * A reference path: `$` (not the second of a context path's `$$`), then fields and brackets, a
 * bracket holding a quoted name (`$['hedge check']`) or an index.
 */
const referencePath = String.raw`(?<!\$)\$(?!\$)[A-Za-z0-9_]*(?:\.[^\s,()[\]'".]+|\[(?:${quotedText}|"[^"]*"|[^\]'"])*\])*`;
/** Either, from the left: a quoted text is passed over whole, so a `$` inside it starts no path. */
const intrinsicToken = new RegExp(`${quotedText}|${referencePath}`, 'g');

/**
 * The reference paths inside an intrinsic function call, e.g. `States.Format('{}', $.a.b)`: not
 * the quoted text (`'see $.a'`), nor a context path (`$$.Execution.Id`), but a path's own quoted
 * bracket names (`$['a']['b']`).
 */
export function pathsInIntrinsic(expression: string): string[] {
  return [...expression.matchAll(intrinsicToken)].map((match) => match[0]).filter((token) => token.startsWith('$'));
}

/** The JSONata `$states.input.a.b` paths an expression reads, as JSONPath (`$.a.b`). */
function jsonataInputPaths(expression: string): string[] {
  return [...expression.matchAll(/\$states\.input((?:\.[A-Za-z_][A-Za-z0-9_-]*)*)/g)].map((match) => `$${match[1]}`);
}

function setAt(target: Shape, fields: readonly string[], value: Shape): Shape {
  const [first, ...rest] = fields;
  if (first === undefined) return value;
  const inner = target.fields.get(first) ?? (target.open ? openShape : objectShape([]));
  return capped({ open: target.open, fields: new Map([...target.fields, [first, setAt(inner, rest, value)]]) });
}

/** A path a state reads that not every way into the state writes. */
export interface UnwrittenRead {
  readonly state: string;
  /** Where the path stands: "Parameters", "Choice", "InputPath", "ResultSelector", ... */
  readonly field: string;
  readonly path: string;
  /** The part of the path that exists, e.g. `$.inspection` for `$.inspection.outcom`. */
  readonly written: string;
  /** The fields that the existing part holds. */
  readonly holds: readonly string[];
  /** The states after which the path is missing, when only some ways in miss it. */
  readonly missingAfter: readonly string[];
  /** The states whose input holds the path but whose way here does not: a ResultPath, OutputPath or Catch replaced the data. */
  readonly droppedBy?: readonly string[];
  /** Whether the path reads a step's result (ResultSelector) rather than the state's input. */
  readonly ofResult?: string;
  /** A workflow variable (`$name`) that no earlier Assign sets. */
  readonly variable?: string;
}

/** A Choice rule that tests a value against a literal no way into the Choice can produce, or a value no rule tests. */
export interface ChoiceFinding {
  readonly state: string;
  readonly path: string;
  readonly kind: 'unknown-value' | 'unhandled-value';
  readonly value: string;
  readonly possible: readonly string[];
  readonly tasks: readonly string[];
  /** For an unhandled value: where it goes instead (the Default), or undefined when the Choice has none. */
  readonly default?: string;
}

/** A Loket step called with a Payload that lacks what it needs, or with a field it does not know that looks like one it does. */
export interface PayloadFinding {
  readonly state: string;
  readonly step: string;
  /** Missing fields, `decision.completedBy` for one inside an object, with what that object holds. */
  readonly missing: readonly { readonly field: string; readonly holds?: readonly string[] }[];
  readonly misspelt: readonly { readonly field: string; readonly meant: string }[];
}

export interface DataFlow {
  readonly unwritten: readonly UnwrittenRead[];
  readonly choices: readonly ChoiceFinding[];
  readonly payloads: readonly PayloadFinding[];
  /** The tasks whose outcome some state reads. */
  readonly outcomesRead: ReadonlySet<string>;
}

export interface Flow {
  readonly data: Shape;
  readonly variables: ReadonlyMap<string, Shape>;
}

function meetFlows(a: Flow, b: Flow): Flow {
  const variables = new Map<string, Shape>();
  for (const [name, inA] of a.variables) {
    const inB = b.variables.get(name);
    if (inB) variables.set(name, meet(inA, inB));
  }
  return { data: meet(a.data, b.data), variables };
}

/** Whether two flows say the same: their data, and the same variables with the same shapes. */
export const sameFlow = (a: Flow, b: Flow) =>
  sameShape(a.data, b.data) && a.variables.size === b.variables.size && [...a.variables].every(([name, shape]) => b.variables.has(name) && sameShape(shape, b.variables.get(name) as Shape));

interface Edge {
  readonly target: string;
  readonly flow: Flow;
}

/** Collects what the final pass finds; absent while the analysis still iterates. */
interface Findings {
  readonly unwritten: UnwrittenRead[];
  readonly choices: ChoiceFinding[];
  readonly outcomesRead: Set<string>;
  readonly payloads: PayloadFinding[];
}

interface Context {
  readonly type: TransactionType;
  readonly findings?: Findings;
  readonly state: string;
  /** The ways into the state, to name the one that lacks a path. */
  readonly incoming: readonly { from: string; flow: Flow }[];
  readonly machine: Machine;
  /** The unwritten reads of the machine's final pass, before those that follow from an earlier one are dropped. */
  readonly reads?: RawRead[];
}

/** An unwritten read with the fields of its path, while the final pass runs. */
interface RawRead {
  readonly found: UnwrittenRead;
  /** The fields of a read of the state's data; absent for a variable or a step's result. */
  readonly fields?: readonly string[];
}

/** Looks a parsed path up in a shape: the shape there, or how far it got. */
function lookUp(shape: Shape, fields: readonly string[]): { found: Shape } | { depth: number; at: Shape } {
  let node = shape;
  for (const [depth, field] of fields.entries()) {
    const inner = node.fields.get(field);
    if (inner) node = inner;
    else if (node.open) return { found: openShape };
    else return { depth, at: node };
  }
  return { found: node };
}

const pathOf = (fields: readonly string[], variable?: string) => `$${variable ?? ''}${fields.map((field) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(field) ? `.${field}` : `['${field}']`)).join('')}`;

/**
 * Marks the task outcomes a read passes on: the outcome itself, or a value that holds one (a
 * task's whole answer recorded in a status's details). issue-certificate ignores the outcome of
 * the decision it is given, so handing it a task's answer reads no outcome.
 */
function markOutcomesRead(context: Context, shape: Shape): void {
  const findings = context.findings;
  if (!findings) return;
  for (const task of shape.outcomeOf ?? []) findings.outcomesRead.add(task);
  const state = context.machine.States[context.state];
  if (state && invokedStep(state) === 'issue-certificate') return;
  for (const inner of shape.fields.values()) markOutcomesRead(context, inner);
}

/**
 * Reads `path` from `flow` at a state: its shape when every way in writes it, else records the
 * read as unwritten (in the final pass) and answers an open shape so that one mistake is told once.
 */
function read(context: Context, flow: Flow, path: string, field: string, ofResult?: string): Shape {
  const parsed = parsePath(path);
  if (!parsed) return openShape;
  let base = flow.data;
  if (parsed.variable !== undefined) {
    const variable = flow.variables.get(parsed.variable);
    if (!variable) {
      context.reads?.push({ found: { state: context.state, field, path, written: '', holds: [...flow.variables.keys()], missingAfter: [], variable: parsed.variable } });
      return openShape;
    }
    base = variable;
  }
  const found = lookUp(base, parsed.fields);
  if ('found' in found) {
    // A read that goes on with an index, wildcard or filter (`$.review.*`) may take any part of what it reaches.
    markOutcomesRead(context, found.found);
    return parsed.exact ? found.found : openShape;
  }
  if (context.reads) {
    const ofData = ofResult === undefined && parsed.variable === undefined;
    const missingAfter = ofData ? context.incoming.filter((way) => !('found' in lookUp(way.flow.data, parsed.fields))).map((way) => way.from) : [];
    const unwritten: UnwrittenRead = {
      state: context.state,
      field,
      path,
      written: pathOf(parsed.fields.slice(0, found.depth), parsed.variable),
      holds: [...found.at.fields.keys()],
      missingAfter: missingAfter.length < context.incoming.length ? missingAfter : [],
      ...(ofResult ? { ofResult } : {}),
    };
    context.reads.push(ofData ? { found: unwritten, fields: parsed.fields } : { found: unwritten });
  }
  return openShape;
}

/** Evaluates a payload template (Parameters, ResultSelector, ItemSelector, Assign) against `flow`. */
function template(context: Context, flow: Flow, value: unknown, field: string, ofResult?: string): Shape {
  if (!isObject(value)) return literalShape(value);
  const fields: [string, Shape][] = [];
  for (const [key, inner] of Object.entries(value)) {
    if (!key.endsWith('.$')) {
      fields.push([key, template(context, flow, inner, field, ofResult)]);
      continue;
    }
    const name = key.slice(0, -2);
    if (typeof inner !== 'string') continue;
    if (inner.startsWith('States.')) {
      for (const path of pathsInIntrinsic(inner)) read(context, flow, path, field, ofResult);
      fields.push([name, openShape]);
    } else {
      fields.push([name, read(context, flow, inner, field, ofResult)]);
    }
  }
  return objectShape(fields);
}

/** The JSON a Task's resource answers with, as far as the step's contract says. */
function taskResult(state: State, type: TransactionType): { shape: Shape; step?: string } {
  const step = invokedStep(state);
  const contract = step ? stepContracts[step] : undefined;
  if (!step || !contract) return { shape: openShape };
  const fields = Object.keys(contract.result).map((name): [string, Shape] => [name, closedLeaf]);
  if (waitsForTaskToken(state)) {
    const awaited = awaitedName(state);
    const answer = new Map(fields);
    if (step === 'create-task' && awaited !== undefined) {
      const outcomes = type.tasks[awaited]?.outcomes;
      answer.set('outcome', { open: false, fields: new Map(), outcomeOf: new Set([awaited]), ...(outcomes ? { values: new Set(outcomes) } : {}) });
    }
    if (step === 'await-message') answer.set('name', literalShape(awaited));
    return { shape: { open: false, fields: answer }, step };
  }
  const metadata = ['StatusCode', 'ExecutedVersion', 'SdkHttpMetadata', 'SdkResponseMetadata'].map((name): [string, Shape] => [name, openShape]);
  return { shape: objectShape([['Payload', objectShape(fields)], ...metadata]), step };
}

const errorOutput = objectShape([
  ['Error', closedLeaf],
  ['Cause', closedLeaf],
]);

function applyResultPath(raw: Flow, result: Shape, resultPath: unknown): Shape {
  if (resultPath === null) return raw.data;
  if (resultPath === undefined) return result;
  const parsed = typeof resultPath === 'string' ? parsePath(resultPath) : undefined;
  if (!parsed?.exact || parsed.variable !== undefined) return openShape;
  return setAt(raw.data, parsed.fields, result);
}

function assignVariables(context: Context, flow: Flow, state: State, from: Flow): Flow {
  const assigned = template(context, from, state.Assign, 'Assign');
  return { data: flow.data, variables: new Map([...flow.variables, ...assigned.fields]) };
}

function isJsonata(machine: Machine, state: State): boolean {
  return (state.QueryLanguage ?? machine.QueryLanguage) === 'JSONata';
}

/** Every string inside a value, for the JSONata expressions it holds. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  // Stryker disable next-line ArrayDeclaration: a number, boolean or null holds no expression; a text that reads no `$states.input` reads nothing
  return isObject(value) ? Object.values(value).flatMap(stringsIn) : [];
}

/** A JSONata template's shape: an expression is decided when it runs, the rest is as written. */
function jsonataShape(value: unknown): Shape {
  if (isJsonataExpression(value)) return openShape;
  if (isObject(value)) return objectShape(Object.entries(value).map(([name, inner]) => [name, jsonataShape(inner)]));
  return literalShape(value);
}

/** A node of a parsed JSONata expression, as far as the data flow reads it. */
interface JsonataNode {
  readonly type: string;
  readonly value?: unknown;
  readonly procedure?: JsonataNode;
  readonly arguments?: readonly JsonataNode[];
  readonly expressions?: readonly JsonataNode[];
  readonly steps?: readonly JsonataNode[];
  readonly lhs?: ReadonlyArray<readonly [JsonataNode, JsonataNode]>;
}

/** The shape of a JSONata object constructor with literal keys (`{'a': 'x', 'b': {…}}`); any other expression is open. */
function constructedShape(node: JsonataNode): Shape {
  if (node.type === 'string') return literalShape(node.value);
  // Only an object constructor is a node whose value is `{` (a group-by, `a{…}`, is a path).
  if (node.value !== '{') return openShape;
  const fields = (node.lhs ?? []).map(([key, value]): [string, Shape] | undefined => (key.type === 'string' ? [String(key.value), constructedShape(value)] : undefined));
  return fields.every((field) => field !== undefined) ? objectShape(fields as [string, Shape][]) : openShape;
}

/**
 * The shape of a JSONata `Output`: a literal object's field names (its values open), the input
 * itself (`{% $states.input %}`), or the input with fields set by
 * `{% $merge([$states.input, {'review': {'outcome': 'approve'}}]) %}`, the idiom that adds to
 * the data; any other expression is open.
 */
export function jsonataOutputShape(input: Shape, output: unknown): Shape {
  if (isObject(output)) return objectShape(Object.keys(output).map((name) => [name, openShape]));
  if (!isJsonataExpression(output)) return literalShape(output);
  let node: JsonataNode;
  try {
    node = jsonata(String(output).trim().slice(2, -2)).ast() as JsonataNode;
  } catch {
    return openShape;
  }
  // `$states.input` as it is: no filter, sort, group-by or binding on it or its steps.
  const bare = (part: JsonataNode) => Object.keys(part).every((key) => key === 'type' || key === 'value' || key === 'steps' || key === 'position');
  const isInput = (candidate: JsonataNode | undefined) =>
    candidate?.type === 'path' &&
    bare(candidate) &&
    candidate.steps?.length === 2 &&
    candidate.steps.every(bare) &&
    candidate.steps[0]!.type === 'variable' &&
    candidate.steps[0]!.value === 'states' &&
    candidate.steps[1]!.value === 'input';
  if (isInput(node)) return input;
  // A call of $merge with one array: only a call has a procedure with one argument that holds expressions (a partial application's has a `?`).
  const merged = node.procedure?.value === 'merge' && node.arguments?.length === 1 ? node.arguments[0]!.expressions : undefined;
  if (!merged || !isInput(merged[0])) return openShape;
  let shape = input;
  for (const part of merged.slice(1)) {
    const added = constructedShape(part);
    if (added.open) return openShape;
    for (const [name, value] of added.fields) shape = setAt(shape, [name], value);
  }
  return shape;
}

/**
 * A JSONata state: its `$states.input` reads are checked, and a step's Arguments against its
 * payload contract; what it writes is known as far as {@link jsonataOutputShape} tells, for the
 * state's Output and for each Choice rule's own.
 */
function jsonataEdges(context: Context, flow: Flow, state: State): Edge[] {
  if (context.findings && isObject(state.Arguments)) checkPayload(context.findings, context.state, state, jsonataShape(state.Arguments));
  for (const field of ['Arguments', 'Output', 'Assign', 'Items', 'ItemSelector', 'Condition', 'Seconds', 'Timestamp'] as const) {
    for (const expression of stringsIn(state[field])) for (const path of jsonataInputPaths(expression)) read(context, flow, path, field);
  }
  const rules = Array.isArray(state.Choices) ? (state.Choices as Record<string, unknown>[]) : [];
  for (const rule of rules) {
    for (const field of ['Condition', 'Output', 'Assign'] as const) {
      for (const expression of stringsIn(rule[field])) for (const path of jsonataInputPaths(expression)) read(context, flow, path, field);
    }
  }
  const output = state.Output !== undefined ? jsonataOutputShape(flow.data, state.Output) : state.Type === 'Choice' || state.Type === 'Wait' ? flow.data : openShape;
  const afterwards = (data: Shape, assign: unknown): Flow => ({
    data,
    variables: new Map([...flow.variables, ...(isObject(assign) ? Object.keys(assign).map((name): [string, Shape] => [name, openShape]) : [])]),
  });
  const next = afterwards(output, state.Assign);
  // A Choice rule may have an Output and an Assign of its own, which replace the state's on its way.
  const ruled = rules.flatMap((rule) =>
    typeof rule.Next === 'string' ? [{ target: rule.Next, flow: afterwards(rule.Output !== undefined ? jsonataOutputShape(flow.data, rule.Output) : output, rule.Assign ?? state.Assign) }] : [],
  );
  // A Catch passes on the error output ({ Error, Cause }) unless its own Output says otherwise.
  const catchers = Array.isArray(state.Catch) ? (state.Catch as Record<string, unknown>[]) : [];
  const caught = catchers.flatMap((catcher) =>
    typeof catcher.Next === 'string' ? [{ target: catcher.Next, flow: { data: 'Output' in catcher ? openShape : errorOutput, variables: flow.variables } }] : [],
  );
  const plain = namedStates(state.Next, state.Default).map((target) => ({ target, flow: next }));
  return [...ruled, ...plain, ...caught];
}

/** The state names among a state's ways out (Next, Default): those it has. */
// Stryker disable next-line ConditionalExpression,ArrowFunction: an edge to no state is never followed: the analysis skips a name without a state
const namedStates = (...targets: unknown[]) => targets.filter((target): target is string => typeof target === 'string');

/** The paths a Choice rule reads (Variable and the `…Path` comparands), nested rules included; IsPresent tests read nothing. */
function choiceReads(rule: Record<string, unknown>): string[] {
  const nested = [...(Array.isArray(rule.And) ? rule.And : []), ...(Array.isArray(rule.Or) ? rule.Or : []), ...(isObject(rule.Not) ? [rule.Not] : [])] as Record<string, unknown>[];
  // Stryker disable next-line ArrayDeclaration: a text that is no path reads nothing
  const own = 'IsPresent' in rule || typeof rule.Variable !== 'string' ? [] : [rule.Variable];
  const comparands = Object.entries(rule)
    .filter(([key, value]) => key.endsWith('Path') && typeof value === 'string')
    .map(([, value]) => value as string);
  return [...own, ...comparands, ...nested.flatMap(choiceReads)];
}

function checkChoice(context: Context, flow: Flow, state: State, all: Machine): void {
  const findings = context.findings;
  const rules = Array.isArray(state.Choices) ? (state.Choices as Record<string, unknown>[]) : [];
  for (const rule of rules) for (const path of choiceReads(rule)) read(context, flow, path, 'Choices');
  if (!findings) return;
  const variables = new Set(rules.map((rule) => rule.Variable));
  for (const variable of variables) {
    if (typeof variable !== 'string') continue;
    const parsed = parsePath(variable);
    if (!parsed?.exact || parsed.variable !== undefined) continue;
    const found = lookUp(flow.data, parsed.fields);
    if (!('found' in found) || !found.found.values) continue;
    const possible = [...found.found.values];
    const tasks = [...(found.found.outcomeOf ?? [])];
    const onVariable = rules.filter((rule) => rule.Variable === variable);
    const tested = onVariable.filter((rule) => typeof rule.StringEquals === 'string').map((rule) => rule.StringEquals as string);
    for (const value of tested) {
      if (!found.found.values.has(value)) findings.choices.push({ state: context.state, path: variable, kind: 'unknown-value', value, possible, tasks });
    }
    const simple = rules.every((rule) => rule.Variable === variable && typeof rule.StringEquals === 'string');
    if (!simple) continue;
    const defaultTarget = typeof state.Default === 'string' ? state.Default : undefined;
    if (defaultTarget !== undefined && !failsTheCase(all, defaultTarget)) continue;
    for (const value of possible) {
      if (!tested.includes(value)) findings.choices.push({ state: context.state, path: variable, kind: 'unhandled-value', value, possible, tasks, ...(defaultTarget ? { default: defaultTarget } : {}) });
    }
  }
}

/** Edits between two names (Levenshtein), to tell a misspelt field from another one. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (const [i, charA] of [...a].entries()) {
    const current = [i + 1];
    for (const [j, charB] of [...b].entries()) current.push(Math.min((previous[j + 1] as number) + 1, (current[j] as number) + 1, (previous[j] as number) + (charA === charB ? 0 : 1)));
    previous = current;
  }
  return previous[b.length] as number;
}

/** Holds a Loket step's Payload to its contract: the fields it needs, inside its objects too, and no near-miss of a field it knows. */
function checkPayload(findings: Findings, name: string, state: State, parameters: Shape): void {
  const step = invokedStep(state);
  const contract = step ? stepContracts[step] : undefined;
  const payload = parameters.fields.get('Payload');
  if (!step || !contract || !payload || payload.open) return;
  // Stryker disable next-line Regex: a contract's field carries its `?` (optional) as its last character only
  const known = Object.keys(contract.payload).map((field) => field.replace(/\?$/, ''));
  const misspelt = [...payload.fields.keys()]
    .filter((field) => !known.includes(field))
    .flatMap((field) => {
      const meant = known.find((candidate) => candidate.toLowerCase() === field.toLowerCase() || distance(candidate, field) <= 2);
      return meant ? [{ field, meant }] : [];
    });
  const missing: { field: string; holds?: string[] }[] = Object.keys(contract.payload)
    .filter((field) => !field.endsWith('?') && !payload.fields.has(field) && !misspelt.some((found) => found.meant === field))
    .map((field) => ({ field }));
  for (const [field, needed] of Object.entries(contract.nested ?? {})) {
    const inner = payload.fields.get(field);
    if (!inner || inner.open) continue;
    for (const part of needed) if (!inner.fields.has(part)) missing.push({ field: `${field}.${part}`, holds: [...inner.fields.keys()] });
  }
  if (missing.length > 0 || misspelt.length > 0) findings.payloads.push({ state: name, step, missing, misspelt });
}

/** Whether going to `name` ends the case as failed: a Fail, or the failure recorder, possibly after Pass states. */
function failsTheCase(machine: Machine, name: string): boolean {
  const seen = new Set<string>();
  let current: string | undefined = name;
  while (current !== undefined && !seen.has(current)) {
    seen.add(current);
    const state: State | undefined = machine.States[current];
    if (!state) return false;
    if (state.Type === 'Fail') return true;
    if (state.Type === 'Task') {
      const payload = isObject(state.Parameters) && isObject(state.Parameters.Payload) ? state.Parameters.Payload : undefined;
      return payload?.status === 'failed';
    }
    if (state.Type !== 'Pass') return false;
    current = typeof state.Next === 'string' ? state.Next : undefined;
  }
  return false;
}

/** A Choice's ways out; a rule that tests `"IsPresent": true` on a path lets its way count the path as written. */
function choiceEdges(state: State, output: Flow): Edge[] {
  const rules = Array.isArray(state.Choices) ? (state.Choices as Record<string, unknown>[]) : [];
  const edges = rules.flatMap((rule): Edge[] => {
    if (typeof rule.Next !== 'string') return [];
    const parsed = rule.IsPresent === true && typeof rule.Variable === 'string' ? parsePath(rule.Variable) : undefined;
    if (!parsed?.exact || parsed.variable !== undefined || 'found' in lookUp(output.data, parsed.fields)) return [{ target: rule.Next, flow: output }];
    return [{ target: rule.Next, flow: { ...output, data: setAt(output.data, parsed.fields, openShape) } }];
  });
  return typeof state.Default === 'string' ? [...edges, { target: state.Default, flow: output }] : edges;
}

/** What leaves a state on each of its ways out, given what came in. */
function transfer(context: Context, incoming: Flow, state: State): Edge[] {
  const machine = context.machine;
  if (isJsonata(machine, state)) return jsonataEdges(context, incoming, state);
  const effective: Flow =
    state.InputPath === null ? { ...incoming, data: objectShape([]) }
    : typeof state.InputPath === 'string' ? { ...incoming, data: read(context, incoming, state.InputPath, 'InputPath') }
    : incoming;
  let result: Shape = effective.data;
  let assignFrom = effective;
  switch (state.Type) {
    case 'Pass': {
      const parameters = 'Parameters' in state ? template(context, effective, state.Parameters, 'Parameters') : effective.data;
      result = 'Result' in state ? literalShape(state.Result) : parameters;
      break;
    }
    case 'Task': {
      const parameters = 'Parameters' in state ? template(context, effective, state.Parameters, 'Parameters') : undefined;
      if (context.findings && parameters) checkPayload(context.findings, context.state, state, parameters);
      for (const field of ['TimeoutSecondsPath', 'HeartbeatSecondsPath'] as const) if (typeof state[field] === 'string') read(context, effective, state[field] as string, field);
      const answer = taskResult(state, context.type);
      result = isObject(state.ResultSelector) ? template(context, { data: answer.shape, variables: effective.variables }, state.ResultSelector, 'ResultSelector', answer.step) : answer.shape;
      assignFrom = { ...effective, data: result };
      break;
    }
    case 'Parallel':
    case 'Map': {
      const parameters = 'Parameters' in state ? template(context, effective, state.Parameters, 'Parameters') : effective.data;
      let start: Flow = { data: parameters, variables: effective.variables };
      if (state.Type === 'Map') {
        if (typeof state.ItemsPath === 'string') read(context, effective, state.ItemsPath, 'ItemsPath');
        const selector = state.ItemSelector ?? state.Parameters;
        start = { data: isObject(selector) ? template(context, effective, selector, 'ItemSelector') : openShape, variables: effective.variables };
      }
      for (const nested of nestedMachines(state)) analyseMachine(nested, start, context.type, context.findings);
      result = isObject(state.ResultSelector) ? template(context, { data: openShape, variables: effective.variables }, state.ResultSelector, 'ResultSelector') : openShape;
      assignFrom = { ...effective, data: result };
      break;
    }
    case 'Choice':
      checkChoice(context, effective, state, machine);
      break;
    case 'Wait':
      for (const field of ['SecondsPath', 'TimestampPath'] as const) if (typeof state[field] === 'string') read(context, effective, state[field] as string, field);
      break;
    case 'Fail':
      for (const field of ['ErrorPath', 'CausePath'] as const) if (typeof state[field] === 'string') read(context, effective, state[field] as string, field);
      return [];
    default:
  }
  // A Choice, Wait or Succeed has no ResultPath (the ASL check refuses one): its result is its effective input.
  let output: Flow = { data: applyResultPath(incoming, result, state.ResultPath), variables: incoming.variables };
  output = assignVariables(context, output, state, assignFrom);
  if (typeof state.OutputPath === 'string') output = { ...output, data: read(context, output, state.OutputPath, 'OutputPath') };
  else if (state.OutputPath === null) output = { ...output, data: objectShape([]) };
  const edges: Edge[] = state.Type === 'Choice' ? choiceEdges(state, output) : namedStates(state.Next).map((target) => ({ target, flow: output }));
  for (const catcher of Array.isArray(state.Catch) ? (state.Catch as Record<string, unknown>[]) : []) {
    if (typeof catcher.Next !== 'string') continue;
    edges.push({ target: catcher.Next, flow: { data: applyResultPath(incoming, errorOutput, catcher.ResultPath), variables: incoming.variables } });
  }
  return edges;
}

/**
 * Runs the data flow over one machine to a fixed point: each state's input is what every way
 * into it writes. With `findings`, a last pass over the settled inputs records what is read but
 * not written, and what the Choices test.
 */
function analyseMachine(machine: Machine, start: Flow, type: TransactionType, findings?: Findings): void {
  const states = machine.States ?? {};
  const inputs = new Map<string, Flow>([[machine.StartAt, start]]);
  const incoming = new Map<string, Map<string, Flow>>([[machine.StartAt, new Map([['(the workflow input)', start]])]]);
  const queue = [machine.StartAt];
  let budget = Object.keys(states).length * 50;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: past an empty queue there is nothing left to work out
  while (queue.length > 0) {
    // A loop that nests its input in itself would never settle: the budget ends it.
    budget -= 1;
    // Stryker disable next-line EqualityOperator: a step more or less of fifty a state changes no settled input
    if (budget < 0) break;
    const name = queue.shift() as string;
    const state = states[name];
    const input = inputs.get(name);
    if (!state || !input) continue;
    for (const edge of transfer({ type, state: name, incoming: [], machine }, input, state)) {
      const ways = incoming.get(edge.target) ?? new Map<string, Flow>();
      const previousWay = ways.get(name);
      ways.set(name, previousWay ? meetFlows(previousWay, edge.flow) : edge.flow);
      incoming.set(edge.target, ways);
      const merged = [...ways.values()].reduce(meetFlows);
      const before = inputs.get(edge.target);
      // Stryker disable next-line ConditionalExpression: without it the same inputs are worked out again until the budget ends
      if (before && sameFlow(before, merged)) continue;
      inputs.set(edge.target, merged);
      // Stryker disable next-line ConditionalExpression: a state twice in the queue is worked out twice, to the same input
      if (!queue.includes(edge.target)) queue.push(edge.target);
    }
  }
  if (!findings) return;
  const reads: RawRead[] = [];
  for (const [name, state] of Object.entries(states)) {
    const input = inputs.get(name);
    if (!input) continue;
    const ways = [...(incoming.get(name) ?? new Map<string, Flow>())].map(([from, flow]) => ({ from, flow }));
    transfer({ type, findings, state: name, incoming: ways, machine, reads }, input, state);
  }
  for (const read of reads.filter((candidate) => !toldBefore(candidate, reads, inputs, incoming))) {
    const fields = read.fields;
    const lacks = (flow: Flow | undefined) => fields !== undefined && flow !== undefined && !('found' in lookUp(flow.data, fields));
    const droppedBy = [...(incoming.get(read.found.state) ?? [])].filter(([from, flow]) => lacks(flow) && inputs.has(from) && !lacks(inputs.get(from))).map(([from]) => from);
    findings.unwritten.push(droppedBy.length > 0 ? { ...read.found, droppedBy } : read.found);
  }
}

/**
 * Whether an unwritten read follows from one told at an earlier state: walking back along the
 * ways that lack the path, through states whose input lacks it too, another state reads it.
 * A path lost once (a Catch that replaces the data, an OutputPath) is then told where it is
 * first read, not at every state after.
 */
function toldBefore(read: RawRead, reads: readonly RawRead[], inputs: ReadonlyMap<string, Flow>, incoming: ReadonlyMap<string, ReadonlyMap<string, Flow>>): boolean {
  const fields = read.fields;
  if (!fields) return false;
  const lacks = (flow: Flow | undefined) => flow !== undefined && !('found' in lookUp(flow.data, fields));
  const readers = new Set(reads.filter((other) => other.found.path === read.found.path).map((other) => other.found.state));
  const seen = new Set([read.found.state]);
  const queue = [read.found.state];
  while (queue.length > 0) {
    for (const [from, flow] of incoming.get(queue.shift() as string) ?? []) {
      if (seen.has(from) || !lacks(flow) || !lacks(inputs.get(from))) continue;
      if (readers.has(from)) return true;
      seen.add(from);
      queue.push(from);
    }
  }
  return false;
}

/**
 * Follows the data through a workflow, from the input every execution starts with
 * (workflowInputFields) through each state's ResultPath, ResultSelector, Parameters, Assign and
 * Catch: which paths a state reads that some way into it never wrote, which Choice values no
 * way in can produce (a task's declared outcomes, a literal), which such values no rule handles
 * before a Default that fails the case, and which tasks' outcomes are read at all.
 */
export function analyseDataFlow(machine: Machine, type: TransactionType): DataFlow {
  const findings: Findings = { unwritten: [], choices: [], outcomesRead: new Set(), payloads: [] };
  const start: Flow = { data: objectShape(Object.keys(workflowInputFields).map((name) => [name, closedLeaf])), variables: new Map() };
  analyseMachine(machine, start, type, findings);
  const seen = new Set<string>();
  const unwritten = findings.unwritten.filter((found) => {
    const key = `${found.state}\u0000${found.field}\u0000${found.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { unwritten, choices: findings.choices, outcomesRead: findings.outcomesRead, payloads: findings.payloads };
}
