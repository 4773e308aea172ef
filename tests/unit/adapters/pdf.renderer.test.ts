import { createHash } from 'node:crypto';
import { PDFDict, PDFDocument, PDFName, PDFRawStream, StandardFonts, decodePDFRawStream } from 'pdf-lib';
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
const decodeWinAnsi = (bytes: number[]) => bytes.map((byte) => (byte >= 0x80 && byte < 0xa0 ? winAnsiHigh[byte - 0x80] : String.fromCharCode(byte))).join('');

/** The bytes of a PDF literal string (without its parentheses), its escapes undone as the PDF specification defines them. */
function unescapeLiteral(body: string): number[] {
  const named: Record<string, number> = { n: 0x0a, r: 0x0d, t: 0x09, b: 0x08, f: 0x0c };
  const bytes: number[] = [];
  for (const [, octal, escaped, plain] of body.matchAll(/\\([0-7]{1,3})|\\([\s\S])|([\s\S])/g)) {
    if (octal !== undefined) bytes.push(parseInt(octal, 8) & 0xff);
    else if (escaped !== undefined) bytes.push(named[escaped] ?? escaped.charCodeAt(0));
    else bytes.push((plain as string).charCodeAt(0));
  }
  return bytes;
}

/** One line a page draws: its font (the BaseFont the page's resources name), size, position and text. */
interface DrawnLine {
  readonly page: number;
  readonly font: string;
  readonly size: number;
  readonly x: number;
  readonly y: number;
  readonly text: string;
}

/** Every line of text the PDF's pages draw, read back with pdf-lib from the page objects and their content streams. */
async function drawnLines(bytes: Uint8Array): Promise<DrawnLine[]> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  return pdf.getPages().flatMap((page, index) => {
    const fonts = page.node.Resources()?.lookup(PDFName.of('Font'), PDFDict);
    const baseFont = (resource: string) => pdf.context.lookup(fonts?.get(PDFName.of(resource)), PDFDict).get(PDFName.of('BaseFont'))?.toString().slice(1);
    const stream = pdf.context.lookup(page.node.get(PDFName.of('Contents')));
    const content = stream instanceof PDFRawStream ? Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1') : '';
    return [...content.matchAll(/BT\n\/(\S+) (\S+) Tf\n[^\n]* rg\n1 0 0 1 (\S+) (\S+) Tm\n\(((?:\\[\s\S]|[^\\)])*)\) Tj\nET/g)].map(([, resource, size, x, y, text]) => ({
      page: index + 1,
      font: baseFont(resource as string) ?? '',
      size: Number(size),
      x: Number(x),
      y: Number(y),
      text: decodeWinAnsi(unescapeLiteral(text as string)),
    }));
  });
}

/** The text a PDF's pages draw, line after line. */
const drawnText = async (bytes: Uint8Array) => (await drawnLines(bytes)).map((line) => line.text).join(' ');

const squash = (text: string) => text.replace(/\s+/g, ' ');

describe('renderDocumentPdf', () => {
  it('writes a PDF that pdf-lib loads back, A4, with its metadata', async () => {
    const bytes = await renderDocumentPdf({ document: certificate, issuer });
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
    expect(pdf.getPageCount()).toBe(1);
    expect(pdf.getAuthor()).toBe('City of Ghent');
    expect(pdf.catalog.get(PDFName.of('Lang'))?.toString()).toBe('(en)');
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
  it('wraps a paragraph at the page’s text width, measured with Helvetica’s widths, and breaks pages above the footer', async () => {
    const words = ['de', 'aanvrager', 'woont', 'volgens', 'het', 'bevolkingsregister', 'op', 'Voorbeeldstraat', 'WWW', 'iiii', '(1)', 'één'];
    const paragraph = Array.from({ length: 700 }, (_, i) => words[i % words.length]).join(' ');
    const lines = await drawnLines(await renderDocumentPdf({ document: { ...certificate, text: { en: paragraph, nl: 'kort' } }, issuer }));
    const body = lines.filter((line) => line.size === 11 && line.text !== 'kort');
    expect(body.map((line) => line.text).join(' ')).toBe(paragraph);
    expect(new Set(body.map((line) => line.page)).size).toBeGreaterThan(1);

    // The oracle is pdf-lib's Helvetica, summed per glyph as Tj draws it (its whole-string measure kerns).
    const helvetica = await (await PDFDocument.create()).embedFont(StandardFonts.Helvetica);
    const width = (text: string) => [...text].reduce((sum, char) => sum + helvetica.widthOfTextAtSize(char, 11), 0);
    const textWidth = 595.28 - 2 * 56;
    body.forEach((line, index) => {
      expect(line.font).toBe('Helvetica');
      expect(line.x).toBe(56);
      expect(width(line.text)).toBeLessThanOrEqual(textWidth);
      const next = body[index + 1];
      if (next) expect(width(`${line.text} ${next.text.split(' ')[0]}`)).toBeGreaterThan(textWidth);
    });
    // Text stays between the top margin and the footer's rule (at 56 pt, its text below).
    const footerLines = lines.filter((line) => line.size === 8);
    expect(footerLines).toHaveLength(2 * new Set(lines.map((line) => line.page)).size);
    for (const line of lines.filter((drawn) => drawn.size !== 8)) expect(line.y).toBeGreaterThan(56 + 11);
    for (const line of lines) expect(line.y).toBeLessThan(841.89 - 56);
    expect(lines.find((line) => line.size === 18)?.font).toBe('Helvetica-Bold');
  });
});
