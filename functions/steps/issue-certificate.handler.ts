import * as z from 'zod';
import { stepHandler } from '../commons/step';
import { fileDocument } from '../use-cases/case-documents';
import { issueCertificate } from '../use-cases/case-lifecycle';

const input = z.object({ caseId: z.string(), status: z.string().optional(), decidedBy: z.string(), reason: z.string().nullish() });

export const handler = stepHandler(input, async (command) => {
  const saved = await issueCertificate(command, fileDocument);
  return { status: saved.status };
});
