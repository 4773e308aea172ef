import { callerOf, httpHandler, json, languageOf, requireRole } from '../commons/http';
import { transactionTypeSummary } from './views';
import { transactionTypes } from '../../workflows/catalogue';

/** Every role that may read the catalogue. */
const readers = ['portal', 'clerk', 'designer', 'operator'];

export const handler = httpHandler(async (event) => {
  requireRole(callerOf(event), readers);
  const language = languageOf(event);
  return json(200, { items: transactionTypes.map((type) => transactionTypeSummary(type, language)) });
});
