import { expect, jest, test } from '@jest/globals';
import { logger } from '../../../functions/commons/powertools';
import { minifiedBundle, topFrame } from '../../support/minified-bundle';

test('the shared logger masks national and enterprise numbers in every field it writes, however nested', () => {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    logger.setLogLevel('INFO');
    logger.info('Applicant 85073003328 looked up', { applicant: { insz: '85.07.30-033.28', kbo: '0403170701' }, caseId: '01JDZ000000000000000000001' });
  } finally {
    spy.mockRestore();
  }
  const line = written.join('');
  expect(line).toContain('01JDZ000000000000000000001');
  expect(line).toContain('Applicant *********** looked up');
  expect(line).not.toMatch(/85073003328|85\.07\.30-033\.28|0403170701/);
});

test('the shared logger masks a sole trader’s enterprise number in every form, and numbers as well as strings', () => {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    logger.setLogLevel('INFO');
    logger.info('Enterprise BE 0403.170.701 looked up', {
      forms: ['0403 170 701', '0403-170-701', '403170701', 'BE403170701', 'KBO0403170701'],
      asNumber: 403170701,
      inszAsNumber: 85073003328,
      count: 2,
    });
  } finally {
    spy.mockRestore();
  }
  const line = written.join('');
  expect(line).toContain('Enterprise ********** looked up');
  expect(line).toContain('"count":2');
  expect(line).not.toMatch(/0403|403170701|170.701|85073003328/);
});

test("the shared logger writes an error's stack as its source has it, not as the minified bundle does, with personal numbers still masked", async () => {
  const bundle = await minifiedBundle();
  try {
    const error = bundle.thrown('refuse', 'applicant 85073003328 refused');
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      logger.error('The step failed', error);
    } finally {
      spy.mockRestore();
    }
    const line = JSON.parse(written.join('')) as { error: { name: string; location: string; message: string; stack: string; code: string } };
    expect(line.error.message).toBe('applicant *********** refused');
    expect(line.error.code).toBe('refused');
    expect(line.error.location).toMatch(/refusal\.ts:6$/);
    expect(topFrame(line.error.stack)).toMatch(/refusal\.ts:6:\d+\)?$/);
    expect(line.error.stack).not.toContain('85073003328');
  } finally {
    bundle.remove();
  }
});
