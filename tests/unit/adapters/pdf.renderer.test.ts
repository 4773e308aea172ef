import { createHash } from 'node:crypto';
import { PDFDocument, PDFRawStream, decodePDFRawStream } from 'pdf-lib';
import type { CaseDocument } from '../../../functions/domain/case';
import { renderDocumentPdf } from '../../../functions/adapters/pdf.renderer';

const issuer = { nl: 'Stad Gent', en: 'City of Ghent' };

const certificate: CaseDocument = {
  kind: 'certificate',
  reference: '44021-2026-000123',
  issuedAt: '2026-03-02T09:30:00.000Z',
  language: 'en',
  title: { nl: 'Attest van woonst', en: 'Proof of residence' },
  text: {
    nl: 'Stad Gent verklaart dat Jan Voorbeeld (rijksregisternummer 85.07.30-033.28) volgens het bevolkingsregister zijn of haar hoofdverblijfplaats heeft op het adres Voorbeeldstraat 1, 9000 Gent. Afgeleverd op 02/03/2026 voor: schoolinschrijving. Referentie 44021-2026-000123.',
    en: 'City of Ghent certifies that Jan Voorbeeld (national number 85.07.30-033.28) has their main residence at Voorbeeldstraat 1, 9000 Gent according to the population register. Issued on 02/03/2026 for: school registration. Reference 44021-2026-000123.',
  },
};

// WinAnsi is Windows-1252; Node's TextDecoder mishandles 0x80–0x9F, so those come from this table.
const winAnsiHigh = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const decodeWinAnsi = (bytes: Buffer) =>
  [...bytes].map((byte) => (byte >= 0x80 && byte < 0xa0 ? winAnsiHigh[byte - 0x80] : String.fromCharCode(byte))).join('');

/** The text a PDF's pages draw: pdf-lib writes Helvetica text as hex strings in the content streams. */
async function drawnText(bytes: Uint8Array): Promise<string> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  const decoded = pdf.getPages().flatMap((page) => {
    const contents = page.node.Contents();
    const streams = contents ? ('asArray' in contents ? contents.asArray() : [contents]) : [];
    return streams.map((ref) => {
      const stream = pdf.context.lookup(ref);
      return stream instanceof PDFRawStream ? Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1') : '';
    });
  });
  const lines = [...decoded.join('\n').matchAll(/<([0-9A-Fa-f]*)> Tj/g)].map((match) => decodeWinAnsi(Buffer.from(match[1] as string, 'hex')));
  return lines.join(' ');
}

const squash = (text: string) => text.replace(/\s+/g, ' ');

describe('renderDocumentPdf', () => {
  it('writes a PDF that pdf-lib loads back, A4, with its metadata', async () => {
    const bytes = await renderDocumentPdf({ document: certificate, issuer });
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
    expect(pdf.getPageCount()).toBe(1);
    const { width, height } = pdf.getPage(0).getSize();
    expect([Math.round(width), Math.round(height)]).toEqual([595, 842]);
    expect(pdf.getTitle()).toBe('Proof of residence 44021-2026-000123');
    expect(pdf.getProducer()).toBe('Loket');
    expect(pdf.getCreationDate()?.toISOString()).toBe('2026-03-02T09:30:00.000Z');
    expect(pdf.getModificationDate()?.toISOString()).toBe('2026-03-02T09:30:00.000Z');
  });

  it('gives the same bytes for the same document, so its SHA-256 is stable', async () => {
    const hash = async () => createHash('sha256').update(await renderDocumentPdf({ document: certificate, issuer })).digest('hex');
    const first = await hash();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await hash()).toBe(first);
    const other = await renderDocumentPdf({ document: { ...certificate, issuedAt: '2026-03-03T09:30:00.000Z' }, issuer });
    expect(createHash('sha256').update(other).digest('hex')).not.toBe(first);
  });

  it('shows both languages, the document’s own first, with the issuer, reference, date and footer', async () => {
    const text = squash(await drawnText(await renderDocumentPdf({ document: certificate, issuer })));
    expect(text).toContain('City of Ghent / Stad Gent');
    expect(text).toContain('44021-2026-000123');
    expect(text).toContain('02/03/2026');
    expect(text).toContain(certificate.text.en);
    expect(text).toContain(certificate.text.nl);
    expect(text.indexOf('Proof of residence')).toBeLessThan(text.indexOf('Attest van woonst'));
    expect(text).toContain('SHA-256');
    const dutchFirst = squash(await drawnText(await renderDocumentPdf({ document: { ...certificate, language: 'nl' }, issuer })));
    expect(dutchFirst.indexOf('Attest van woonst')).toBeLessThan(dutchFirst.indexOf('Proof of residence'));
  });

  it('does not throw on characters WinAnsi cannot encode: they lose their accent or compatibility form, or become ?', async () => {
    const document: CaseDocument = {
      ...certificate,
      text: { nl: 'Zoë Łukasiewicz-Őrsi — 日本 ✓ € “quoted” 😀\tend', en: 'Ærøskøbing Ğ ℃ ﬁ' },
      title: { nl: 'Attest → woonst', en: 'Proof of residence' },
    };
    const text = squash(await drawnText(await renderDocumentPdf({ document, issuer: { nl: 'Gemeente Œ', en: 'Gemeente Œ' } })));
    expect(text).toContain('Zoë ?ukasiewicz-Orsi — ?? ? € “quoted” ? end');
    expect(text).toContain('Ærøskøbing G °C fi');
    expect(text).toContain('Gemeente Œ');
    expect(text).toContain('Attest ? woonst');
  });

  it('wraps long text over lines and pages without losing a word', async () => {
    const words = Array.from({ length: 900 }, (_, i) => `woord${i}`);
    const long = `${words.join(' ')} ${'x'.repeat(300)}`;
    const bytes = await renderDocumentPdf({ document: { ...certificate, text: { nl: long, en: 'short' } }, issuer });
    expect((await PDFDocument.load(bytes)).getPageCount()).toBeGreaterThan(1);
    const text = await drawnText(bytes);
    for (const word of [words[0], words[450], words[899]]) expect(text).toContain(word);
    expect(text.replace(/\s+/g, '')).toContain('x'.repeat(300));
  });
});
