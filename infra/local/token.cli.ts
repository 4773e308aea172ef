import { parseArgs } from 'node:util';
import { loadOrCreateDevSigningKey, signDevToken } from './dev-keys';
import { devKeyFile } from './paths';

/**
 * `npm run token -- --tenant 44021 --role clerk [--role portal] [--scope loket/cases.read ...] [--sub alice] [--expires 8h]`
 * prints a dev token on its last line. Without `--scope` it carries the scopes of every route its roles may call.
 */
const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    role: { type: 'string', multiple: true },
    scope: { type: 'string', multiple: true },
    sub: { type: 'string' },
    expires: { type: 'string', default: '8h' },
  },
});

if (!values.tenant || !values.role?.length) {
  console.error('usage: npm run token -- --tenant <NIS code> --role <role> [--role <role> ...] [--scope <scope> ...] [--sub <subject>] [--expires 8h]');
  process.exit(2);
}

const key = await loadOrCreateDevSigningKey(devKeyFile);
console.log(await signDevToken(key, { tenant: values.tenant, roles: values.role, scopes: values.scope, subject: values.sub, expiresIn: values.expires }));
