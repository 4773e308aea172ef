import type { TransactionType } from '../domain/transaction-type';
import { schemaValidator } from '../domain/transaction-type';
import type { CatalogueBody } from './route-contract';

/*
 * The request bodies whose real schema lives in the type folders, as the OpenAPI document
 * describes them: a submission per published type (its applicant kinds, its `data` schema), a
 * message per declared message name, a completion per declared task. The handlers check the
 * generic shape and the use cases the type's own schema, from the same type.json; describing
 * each variant lets a generated client type what it sends as the server will check it.
 */

type JsonObject = Record<string, unknown>;

/** The applicant components, by the kind a type accepts; `Applicant` is either. */
export const applicantComponents = { citizen: 'CitizenApplicant', business: 'BusinessApplicant', either: 'Applicant' } as const;

const componentRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** `resident-parking-permit` → `ResidentParkingPermit`: a component name from a key. */
export function pascalCase(key: string): string {
  return key
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}

/** Gives each integer of a designer's schema a format from its bounds, as the zod-built schemas get one. */
function withIntegerFormats(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withIntegerFormats);
  if (schema === null || typeof schema !== 'object') return schema;
  const node = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, withIntegerFormats(value)]));
  if (node.type === 'integer' && node.format === undefined) {
    const fits = (bound: unknown) => typeof bound === 'number' && Math.abs(bound) < 2 ** 31;
    node.format = fits(node.minimum ?? node.exclusiveMinimum) && fits(node.maximum ?? node.exclusiveMaximum) ? 'int32' : 'int64';
  }
  return node;
}

/** A designer's data schema as a part of the document: no dialect of its own (the document's is 2020-12). */
function dataSchemaPart(schema: Readonly<Record<string, unknown>>): JsonObject {
  const { $schema: _dialect, $id: _id, ...rest } = withIntegerFormats(schema) as JsonObject;
  return rest;
}

/** Whether a body may leave `data` out: the handler reads a missing `data` as `{}`. */
const acceptsNoData = (schema: Readonly<Record<string, unknown>>) => schemaValidator(schema).safeParse({}).success;

/** A body's variants, by component name, and the schema of the request that is one (or any) of them. */
interface Described {
  readonly variants: Record<string, JsonObject>;
  readonly request: JsonObject;
}

const byKey = (types: readonly TransactionType[]) => [...types].sort((a, b) => a.key.localeCompare(b.key));

function applicantOf(type: TransactionType): JsonObject {
  const [only, ...others] = type.applicantKinds;
  return componentRef(only !== undefined && others.length === 0 ? applicantComponents[only] : applicantComponents.either);
}

/** One component per published type's submission and its data, and the oneOf over them by `type`. */
function submissionComponents(types: readonly TransactionType[]): Described {
  const components: Record<string, JsonObject> = {};
  const mapping: Record<string, string> = {};
  for (const type of byKey(types)) {
    const name = `${pascalCase(type.key)}Submission`;
    components[`${pascalCase(type.key)}Data`] = { ...dataSchemaPart(type.inputSchema), description: `The data of a ${type.title.en} (${type.key}) request` };
    components[name] = {
      type: 'object',
      description: `${type.title.en}: ${type.description.en}`,
      properties: {
        type: { type: 'string', const: type.key },
        applicant: applicantOf(type),
        data: componentRef(`${pascalCase(type.key)}Data`),
      },
      required: ['type', 'applicant', ...(acceptsNoData(type.inputSchema) ? [] : ['data'])],
      additionalProperties: false,
    };
    mapping[type.key] = componentRef(name).$ref;
  }
  return { variants: components, request: { oneOf: Object.values(mapping).map(($ref) => ({ $ref })), discriminator: { propertyName: 'type', mapping } } };
}

/**
 * One component per message name the published types declare, and the oneOf over them by
 * `name`. Types that declare one name with different data schemas give any of them: the case's
 * type decides which one the server checks.
 */
function messageComponents(types: readonly TransactionType[]): Described {
  const declared = new Map<string, { description: string; schemas: Map<string, Readonly<Record<string, unknown>>> }>();
  for (const type of byKey(types)) {
    for (const [name, message] of Object.entries(type.messages)) {
      const entry = declared.get(name) ?? { description: message.description.en, schemas: new Map() };
      entry.schemas.set(JSON.stringify(message.dataSchema), message.dataSchema);
      declared.set(name, entry);
    }
  }
  const components: Record<string, JsonObject> = {};
  const mapping: Record<string, string> = {};
  for (const [name, { description: about, schemas }] of [...declared].sort(([a], [b]) => a.localeCompare(b))) {
    const variants = [...schemas.values()];
    const component = `${pascalCase(name)}Message`;
    components[component] = {
      type: 'object',
      description: about,
      properties: {
        name: { type: 'string', const: name },
        data: variants.length === 1 ? dataSchemaPart(variants[0]!) : { anyOf: variants.map(dataSchemaPart) },
      },
      required: ['name', ...(variants.every(acceptsNoData) ? [] : ['data'])],
      additionalProperties: false,
    };
    mapping[name] = componentRef(component).$ref;
  }
  return { variants: components, request: { oneOf: Object.values(mapping).map(($ref) => ({ $ref })), discriminator: { propertyName: 'name', mapping } } };
}

/**
 * One component per task of each published type: its outcomes and its data schema. The route
 * names a task by id, not by type, so the request is any of them; a client that knows the
 * task's type and name sends that task's component.
 */
function completionComponents(types: readonly TransactionType[], reason: JsonObject): Described {
  const components: Record<string, JsonObject> = {};
  for (const type of byKey(types)) {
    for (const [name, task] of Object.entries(type.tasks).sort(([a], [b]) => a.localeCompare(b))) {
      components[`${pascalCase(type.key)}${pascalCase(name)}Completion`] = {
        type: 'object',
        description: `Completes the task '${name}' (${task.title.en}) of a ${type.title.en} (${type.key})`,
        properties: { outcome: { type: 'string', enum: [...task.outcomes] }, data: dataSchemaPart(task.dataSchema), reason },
        required: ['outcome'],
        additionalProperties: false,
      };
    }
  }
  return { variants: components, request: { anyOf: Object.keys(components).map(componentRef) } };
}

export interface CatalogueBodyContext {
  readonly types: readonly TransactionType[];
  /** The request's own component name and description. */
  readonly component: string;
  readonly description: string;
  /** The schema of a completion's reason, as the handler checks it. */
  readonly reason: JsonObject;
}

/**
 * The components that describe a catalogue body: one per variant, and the request's own that
 * chooses among them. None when the catalogue declares no variant: then the route's generic
 * schema describes the body.
 */
export function catalogueBodyComponents(body: CatalogueBody, context: CatalogueBodyContext): Record<string, JsonObject> {
  const { types, component, description, reason } = context;
  const { variants, request } = body === 'submission' ? submissionComponents(types) : body === 'message' ? messageComponents(types) : completionComponents(types, reason);
  return Object.keys(variants).length > 0 ? { ...variants, [component]: { description, ...request } } : {};
}
