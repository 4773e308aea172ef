import { callerOf, httpHandler, json, languageOf, requireRole } from '../commons/http';
import { notFound } from '../domain/errors';
import { transactionTypeView } from './views';
import { findTransactionType } from '../../workflows/catalogue';

const readers = ['portal', 'clerk', 'designer', 'operator'];

export const handler = httpHandler(async (event) => {
  requireRole(callerOf(event), readers);
  const key = event.pathParameters?.key ?? '';
  const type = findTransactionType(key);
  if (!type) throw notFound(`transaction type '${key}'`);
  return json(200, transactionTypeView(type, languageOf(event)));
});
