import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { writeDiagram } from './diagram';
import { migrateType } from './migrate';
import { publishType } from './publish';
import { runWorkflow } from './run';
import { typeSchemaFile, writeTypeSchema } from './type-schema';
import { validateCommand } from './validate';

// Lambda runs Node 22; on an older local Node the SDK's upgrade notice is known and only noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const usage = `Usage: npm run workflows -- <command>
  validate [key]                          check one transaction type or all of them
  schema                                  write workflows/type.schema.json from the domain's schema
  diagram <key> [--out file]              write <file>.svg and <file>.mmd (default diagrams/<key>)
  publish <key> [--endpoint url]          make the working copy workflows/<key>/ the type's next version,
                                          kept as workflows/<key>/versions/<n>/; a running local stack
                                          (--endpoint, default http://127.0.0.1:$LOKET_SFN_PORT or 8083)
                                          runs new cases on it at once, running cases keep theirs
  run <key> [--input case.json] [--outcomes task=outcome,...] [--messages name=json,...]
          [--expire name,...] [--withdraw status]
                                          run a case through the local stack to a final status:
                                          --outcomes  a task's outcome; task=a,b gives a the first time, b after
                                          --messages  the data a message is delivered with
                                          --expire    tasks and messages left to time out (after seconds, not days)
                                          --withdraw  the applicant withdraws once the case has this status
  migrate <key> --from N --to M --map OldState=NewState [--map ...] [--case id ...] [--dry-run] [--by name]
                                          move the cases running version N of the type's workflow on the
                                          local stack to version M, each at the state its own is mapped to;
                                          a case in a state not mapped stays; --dry-run lists where each
                                          would land and changes nothing; every move is audited per case`;

/** `a=1,b={"x":1,"y":2}` → { a: '1', b: '{"x":1,"y":2}' }: a comma starts a new pair only before `name=`. */
export function parsePairs(text: string | undefined): Record<string, string> {
  if (!text) return {};
  return Object.fromEntries(
    text.split(/,(?=[A-Za-z][A-Za-z0-9-]*=)/).map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new Error(`expected name=value, got '${pair}'`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${what}: not JSON (${(error as Error).message})`);
  }
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      input: { type: 'string' },
      outcomes: { type: 'string' },
      messages: { type: 'string' },
      expire: { type: 'string' },
      withdraw: { type: 'string' },
      endpoint: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      map: { type: 'string', multiple: true },
      case: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean' },
      by: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const [command, key] = positionals;
  if (values.help || command === undefined) {
    console.log(usage);
    return command === undefined && !values.help ? 2 : 0;
  }
  switch (command) {
    case 'validate':
      return validateCommand({ key }) === 0 ? 0 : 1;
    case 'schema':
      console.log(`${writeTypeSchema() ? 'wrote' : 'unchanged:'} ${typeSchemaFile}`);
      return 0;
    case 'diagram': {
      if (!key) break;
      const files = writeDiagram(key, { out: values.out });
      console.log(`wrote ${files.svg} and ${files.mermaid}`);
      return 0;
    }
    case 'publish': {
      if (!key) break;
      // npm start's Step Functions port (infra/local/start.ts).
      const endpoint = values.endpoint ?? `http://127.0.0.1:${process.env.LOKET_SFN_PORT ?? 8083}`;
      const report = await publishType({ key, stepFunctionsEndpoint: endpoint });
      return report.refused ? 1 : 0;
    }
    case 'migrate': {
      const from = Number(values.from);
      const to = Number(values.to);
      if (!key || !Number.isInteger(from) || !Number.isInteger(to) || !values.map) break;
      // npm start's ports (infra/local/start.ts).
      const port = (name: string, fallback: number) => process.env[name] ?? String(fallback);
      const report = await migrateType({
        key,
        from,
        to,
        map: values.map,
        ...(values.case ? { caseIds: values.case } : {}),
        dryRun: values['dry-run'] ?? false,
        ...(values.by ? { by: values.by } : {}),
        stepFunctionsEndpoint: values.endpoint ?? `http://127.0.0.1:${port('LOKET_SFN_PORT', 8083)}`,
        dynamodbEndpoint: `http://127.0.0.1:${port('LOKET_DYNAMODB_PORT', 8000)}`,
        eventSchemasUrl: `http://127.0.0.1:${port('LOKET_API_PORT', 3000)}/v1/events/schemas`,
      });
      return report ? 0 : 2;
    }
    case 'run': {
      if (!key) break;
      const messages = Object.fromEntries(Object.entries(parsePairs(values.messages)).map(([name, json]) => [name, parseJson(json, `--messages ${name}`)]));
      const report = await runWorkflow({
        key,
        input: values.input ? parseJson(readFileSync(values.input, 'utf8'), `--input ${values.input}`) : undefined,
        outcomes: Object.fromEntries(Object.entries(parsePairs(values.outcomes)).map(([task, outcomes]) => [task, outcomes.split(',')])),
        messages,
        expire: values.expire?.split(',').filter(Boolean),
        withdrawAt: values.withdraw,
      });
      if (report.refused) return 2;
      return report.reachedFinalStatus ? 0 : 1;
    }
    default:
  }
  console.error(usage);
  return 2;
}

// Exit explicitly: the SDK's keep-alive sockets must not hold the process once the stack has stopped.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
