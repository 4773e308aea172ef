export type JsonObject = Record<string, unknown>;

/** A Task state found anywhere in a definition, including Parallel branches and Map processors. */
export interface TaskStateDefinition {
  readonly name: string;
  readonly state: JsonObject;
}

/**
 * Node's setTimeout fires at once for delays above 2^31-1 ms, so every timer the interpreter
 * arms must stay below ~24.8 days.
 */
export const MAX_TIMER_SECONDS = Math.floor(2_147_483_647 / 1000);

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Calls `visit` for every state of the definition and of its nested Parallel branches and Map processors. */
function forEachState(machine: JsonObject, visit: (name: string, state: JsonObject) => void): void {
  if (!isJsonObject(machine.States)) return;
  for (const [name, state] of Object.entries(machine.States)) {
    if (!isJsonObject(state)) continue;
    visit(name, state);
    const nested = [
      ...(Array.isArray(state.Branches) ? state.Branches : []),
      state.ItemProcessor,
      state.Iterator,
    ];
    for (const child of nested) {
      if (isJsonObject(child)) forEachState(child, visit);
    }
  }
}

export function findTaskStates(definition: JsonObject): TaskStateDefinition[] {
  const tasks: TaskStateDefinition[] = [];
  forEachState(definition, (name, state) => {
    if (state.Type === 'Task') tasks.push({ name, state });
  });
  return tasks;
}

function scaledSeconds(seconds: number, timeScale: number): number {
  return Math.min(seconds * timeScale, MAX_TIMER_SECONDS);
}

/**
 * The private copy the interpreter runs: waits, retry intervals and the execution timeout are
 * multiplied by `timeScale`; Task timeouts are enforced by the task runner instead (it also needs
 * heartbeats and token invalidation), so the interpreter's own Task timer is pushed out of the way.
 */
export function toRuntimeDefinition(definition: JsonObject, timeScale: number): JsonObject {
  // A JSON round trip, not structuredClone: the interpreter only treats objects of its own realm
  // as payload templates, and structuredClone builds them in Node's main realm (visible under Jest).
  const copy = JSON.parse(JSON.stringify(definition)) as JsonObject;
  if (typeof copy.TimeoutSeconds === 'number') copy.TimeoutSeconds = scaledSeconds(copy.TimeoutSeconds, timeScale);
  forEachState(copy, (_name, state) => {
    if (state.Type === 'Task') {
      delete state.TimeoutSecondsPath;
      state.TimeoutSeconds = MAX_TIMER_SECONDS;
    }
    if (state.Type === 'Wait' && typeof state.Seconds === 'number') {
      state.Seconds = scaledSeconds(state.Seconds, timeScale);
    }
    if (Array.isArray(state.Retry)) {
      for (const retrier of state.Retry) {
        if (!isJsonObject(retrier)) continue;
        retrier.IntervalSeconds = (typeof retrier.IntervalSeconds === 'number' ? retrier.IntervalSeconds : 1) * timeScale;
        if (typeof retrier.MaxDelaySeconds === 'number') retrier.MaxDelaySeconds = retrier.MaxDelaySeconds * timeScale;
      }
    }
  });
  return copy;
}

/** Resolves a reference path such as `$.limits.timeout` (dots and numeric brackets) against a value. */
export function readReferencePath(value: unknown, path: string): unknown {
  if (path === '$') return value;
  if (!path.startsWith('$')) return undefined;
  const segments = path
    .slice(1)
    .split(/\.|\[(\d+)\]/)
    .filter((segment): segment is string => segment !== undefined && segment !== '');
  let current: unknown = value;
  for (const segment of segments) {
    if (Array.isArray(current)) current = current[Number(segment)];
    else if (isJsonObject(current)) current = current[segment];
    else return undefined;
  }
  return current;
}

/** What a Wait state asks for, kept aside when the engine runs the state itself (see `takeOverWaitStates`). */
export interface WaitSpecification {
  readonly Seconds?: number;
  readonly SecondsPath?: string;
  readonly Timestamp?: string;
  readonly TimestampPath?: string;
}

const WAIT_FIELDS = ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'] as const;

/** The resource of a Wait state the engine took over; never invoked as a service. */
export const TAKEN_OVER_WAIT_RESOURCE = 'arn:aws:states:::loket:wait';

/**
 * The interpreter evaluates SecondsPath and TimestampPath out of reach, so a wait that must be
 * capped cannot stay a Wait: each becomes a Task whose local handler the engine supplies, with
 * the same InputPath, OutputPath and transition; its output is its input, as a Wait's is.
 * Mutates `runtimeDefinition` (a private copy) and returns what each Wait asked for, by name.
 */
export function takeOverWaitStates(runtimeDefinition: JsonObject): Map<string, WaitSpecification> {
  const waits = new Map<string, WaitSpecification>();
  forEachState(runtimeDefinition, (name, state) => {
    if (state.Type !== 'Wait') return;
    const specification: Record<string, unknown> = {};
    for (const field of WAIT_FIELDS) {
      if (state[field] !== undefined) specification[field] = state[field];
      delete state[field];
    }
    waits.set(name, specification as WaitSpecification);
    Object.assign(state, { Type: 'Task', Resource: TAKEN_OVER_WAIT_RESOURCE, TimeoutSeconds: MAX_TIMER_SECONDS });
  });
  return waits;
}
