import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload, type SourceMapping } from 'node:module';
import { fileURLToPath } from 'node:url';

/*
 * A function bundle is minified; its stack frames say `index.mjs:1:48213`. Node's
 * `--enable-source-maps` maps them, but it reads and indexes every bundle's map when the bundle
 * loads, which cost 8–10 ms of each cold start, error or not (issue 14). Here a logged error's
 * stack is mapped when it is logged: the map beside the bundle is read the first time a frame
 * names the bundle, and never when nothing fails.
 */

/** `    at name (file:///var/task/index.mjs:1:2)` or `    at file:///var/task/index.mjs:1:2`: the file, line and column of a frame. */
const framePattern = /^(\s*at (?:.*? \()?)((?:file:\/\/)?\/[^\s():]+):(\d+):(\d+)(\)?)$/;

/** Each file's source map as read the first time one of its frames was mapped; undefined for a file without one. */
const maps = new Map<string, SourceMap | undefined>();

function mapOf(file: string): SourceMap | undefined {
  if (!maps.has(file)) maps.set(file, readMap(`${file}.map`));
  return maps.get(file);
}

/** A file's map; undefined when there is none or it cannot be read, which leaves its frames as they are: an error is logged whatever its map. */
function readMap(mapFile: string): SourceMap | undefined {
  let map: SourceMap | undefined;
  try {
    map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapPayload);
  } catch {
    // No map, or one that cannot be read: `map` stays undefined.
  }
  return map;
}

/**
 * A source as the frame names it: relative to the project (`functions/api/http.ts`,
 * `node_modules/zod/…`). A bundle's map names its sources relative to where the build wrote the
 * bundle, a folder or more below the project.
 */
function sourceName(source: string): string {
  let name = source;
  while (name.startsWith('../')) name = name.slice('../'.length);
  return name;
}

/** A frame's parts: what precedes its place (`    at name (`), the file, its line and column (from 1), and what follows. */
interface Frame {
  readonly head: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly tail: string;
}

function frameOf(line: string): Frame | undefined {
  const found = framePattern.exec(line);
  if (!found) return undefined;
  const [, head, location, lineNumber, column, tail] = found as unknown as [string, string, string, string, string, string];
  return { head, file: location.startsWith('file://') ? fileURLToPath(location) : location, line: Number(lineNumber), column: Number(column), tail };
}

/** Where a frame's place in a bundle was in its source, when the bundle's map knows it; Node counts from 1, a map from 0. */
function originOf(frame: Frame | undefined): { source: string; line: number; column: number; name?: string } | undefined {
  if (!frame) return undefined;
  // Node's entries carry the `name` the map gives the range too, which its typings leave out.
  const entry = mapOf(frame.file)?.findEntry(frame.line - 1, frame.column - 1) as (SourceMapping & { name?: string }) | Record<string, never> | undefined;
  if (!entry || !('originalSource' in entry)) return undefined;
  return { source: entry.originalSource, line: entry.originalLine + 1, column: entry.originalColumn + 1, name: entry.name };
}

/**
 * One stack line with its place in the bundle replaced by its place in the source, and its
 * minified function name by the name its caller called it by (the caller's frame, when it is in
 * the same bundle, as Node's own mapping does).
 */
function mappedFrame(line: string, caller: string | undefined): string {
  const frame = frameOf(line);
  const origin = originOf(frame);
  if (!frame || !origin) return line;
  const callerFrame = caller === undefined ? undefined : frameOf(caller);
  const calledAs = callerFrame?.file === frame.file ? originOf(callerFrame)?.name : undefined;
  // `    at Module.o (` → `    at Module.refuse (`: the name's last part is the function's.
  const head = calledAs ? frame.head.replace(/([\s.])[\w$]+( \()/, `$1${calledAs}$2`) : frame.head;
  return `${head}${sourceName(origin.source)}:${origin.line}:${origin.column}${frame.tail}`;
}

/** A stack trace with every frame in a source-mapped file (a bundle with its `.map` beside it) pointing at the source instead. */
export function sourceMappedStack(stack: string): string {
  const lines = stack.split('\n');
  return lines.map((line, i) => mappedFrame(line, lines[i + 1])).join('\n');
}

/**
 * A copy of `error` (same class, and every field of its own as the error has it) whose stack, and
 * its causes' stacks, are source-mapped: what the logger formats in its place. The error itself is
 * left as it is.
 */
export function withSourceMappedStack(error: Error): Error {
  const copy = Object.create(Object.getPrototypeOf(error) as object) as Error;
  for (const key of Reflect.ownKeys(error)) {
    const descriptor = Object.getOwnPropertyDescriptor(error, key)!;
    const mapped = key === 'stack' ? mappedStackOf(error) : key === 'cause' ? mappedCauseOf(error) : undefined;
    // The stack and the cause as values of the same kind (the stack may be a getter of the error's own).
    Object.defineProperty(copy, key, mapped ? { enumerable: descriptor.enumerable, configurable: descriptor.configurable, writable: true, value: mapped.value } : descriptor);
  }
  return copy;
}

const mappedStackOf = (error: Error) => ({ value: typeof error.stack === 'string' ? sourceMappedStack(error.stack) : error.stack });
const mappedCauseOf = (error: Error) => ({ value: error.cause instanceof Error ? withSourceMappedStack(error.cause) : error.cause });
