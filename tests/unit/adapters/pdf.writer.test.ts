import { createHash } from 'node:crypto';
import { PDFDocument, PDFName, PDFDict, PDFRawStream, StandardFonts, decodePDFRawStream } from 'pdf-lib';
import { encodeWinAnsi, widthOfText, winAnsiCodePoints, type StandardFont } from '../../../functions/adapters/pdf.fonts';
import { PdfDocument, rgb } from '../../../functions/adapters/pdf.writer';

const metadata = {
  title: 'Attest van woonst 44021-2026-000123',
  author: 'Stad Gent',
  subject: 'Attest van woonst / Proof of residence',
  creator: 'Loket',
  producer: 'Loket',
  created: new Date('2026-03-02T09:30:00.000Z'),
  modified: new Date('2026-03-02T09:30:00.000Z'),
  language: 'nl-BE',
};
const ink = rgb(0.1, 0.1, 0.1);

/** Two A4 pages: text in both fonts, with the characters a literal string must escape, and a line. */
function sample(): Uint8Array {
  const pdf = new PdfDocument(metadata);
  const first = pdf.addPage(595.28, 841.89);
  first.drawText('Zoë (test) \\ back€slash', { x: 56, y: 785.89, size: 11, font: 'Helvetica', color: ink });
  first.drawLine({ start: { x: 56, y: 56 }, end: { x: 539.28, y: 56 }, thickness: 0.5, color: rgb(0.75, 0.75, 0.75) });
  pdf.addPage(595.28, 841.89).drawText('Tweede pagina – Second page', { x: 56, y: 700.1 + 0.2, size: 18, font: 'Helvetica-Bold', color: ink });
  return pdf.save();
}

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

/** Each page's content stream, as pdf-lib (an independent reader) finds it. */
async function contentStreams(bytes: Uint8Array): Promise<string[]> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  return pdf.getPages().map((page) => {
    const stream = pdf.context.lookup(page.node.get(PDFName.of('Contents')));
    if (!(stream instanceof PDFRawStream)) throw new Error('a page without a content stream');
    return latin1(decodePDFRawStream(stream).decode());
  });
}

describe('PdfDocument', () => {
  it('writes a PDF 1.4 that pdf-lib loads: its pages, A4, and the document information', async () => {
    const bytes = sample();
    expect(latin1(bytes.subarray(0, 9))).toBe('%PDF-1.4\n');
    const pdf = await PDFDocument.load(bytes, { updateMetadata: false, throwOnInvalidObject: true });
    expect(pdf.getPageCount()).toBe(2);
    for (const page of pdf.getPages()) expect(page.getSize()).toEqual({ width: 595.28, height: 841.89 });
    expect(pdf.getTitle()).toBe(metadata.title);
    expect(pdf.getAuthor()).toBe('Stad Gent');
    expect(pdf.getSubject()).toBe(metadata.subject);
    expect(pdf.getCreator()).toBe('Loket');
    expect(pdf.getProducer()).toBe('Loket');
    expect(pdf.getCreationDate()?.toISOString()).toBe('2026-03-02T09:30:00.000Z');
    expect(pdf.getModificationDate()?.toISOString()).toBe('2026-03-02T09:30:00.000Z');
    expect(pdf.catalog.get(PDFName.of('Lang'))?.toString()).toBe('(nl-BE)');
  });

  it('names the standard fonts, not embedded, with WinAnsiEncoding', async () => {
    const pdf = await PDFDocument.load(sample());
    const fonts = pdf.getPage(0).node.Resources()?.lookup(PDFName.of('Font'), PDFDict);
    const described = fonts?.entries().map(([name, ref]) => {
      const font = pdf.context.lookup(ref, PDFDict);
      return [name.toString(), ...['Subtype', 'BaseFont', 'Encoding', 'FontDescriptor'].map((key) => font.get(PDFName.of(key))?.toString())];
    });
    expect(described).toEqual([
      ['/F1', '/Type1', '/Helvetica', '/WinAnsiEncoding', undefined],
      ['/F2', '/Type1', '/Helvetica-Bold', '/WinAnsiEncoding', undefined],
    ]);
  });

  it('draws text as escaped WinAnsi literal strings, and lines, in the order drawn', async () => {
    const [first, second] = await contentStreams(sample());
    expect(first).toBe(
      'BT\n/F1 11 Tf\n0.1 0.1 0.1 rg\n1 0 0 1 56 785.89 Tm\n(Zo\\353 \\(test\\) \\\\ back\\200slash) Tj\nET\n' +
        'q\n0.75 0.75 0.75 RG\n0.5 w\n56 56 m\n539.28 56 l\nS\nQ\n',
    );
    // 700.1 + 0.2 is 700.3000000000001 in floating point: numbers are written with three decimals at most.
    expect(second).toContain('/F2 18 Tf\n0.1 0.1 0.1 rg\n1 0 0 1 56 700.3 Tm\n(Tweede pagina \\226 Second page) Tj');
  });

  it('refuses text WinAnsi cannot encode, rather than draw something else', () => {
    const page = new PdfDocument(metadata).addPage(595.28, 841.89);
    expect(() => page.drawText('Łódź', { x: 0, y: 0, size: 11, font: 'Helvetica', color: ink })).toThrow('WinAnsiEncoding cannot encode "Ł" (U+0141)');
  });

  it('gives the same bytes for the same input', () => {
    const hash = () => createHash('sha256').update(sample()).digest('hex');
    expect(hash()).toBe(hash());
  });

  it('has a cross-reference table whose offsets point at each "n 0 obj" line, and a startxref that points at the table', () => {
    const file = latin1(sample());
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(file)?.[1]);
    expect(file.slice(startxref, startxref + 5)).toBe('xref\n');
    const [, count, entries] = /^xref\n0 (\d+)\n((?:\d{10} \d{5} [fn] \n)+)trailer\n<< \/Size (\d+) /.exec(file.slice(startxref)) ?? [];
    const rows = (entries ?? '').match(/.{20}/gs) ?? [];
    expect(rows).toHaveLength(Number(count));
    expect(rows[0]).toBe('0000000000 65535 f \n');
    expect(rows.length).toBe(1 + 5 + 2 * 2);
    rows.slice(1).forEach((row, index) => {
      const offset = Number(row.slice(0, 10));
      expect(file.slice(offset, offset + `${index + 1} 0 obj\n`.length)).toBe(`${index + 1} 0 obj\n`);
    });
  });
});

describe('the font metrics', () => {
  const fonts: ReadonlyArray<[StandardFont, StandardFonts]> = [
    ['Helvetica', StandardFonts.Helvetica],
    ['Helvetica-Bold', StandardFonts.HelveticaBold],
  ];

  it('encode exactly the characters pdf-lib’s Helvetica encodes', async () => {
    const font = await (await PDFDocument.create()).embedFont(StandardFonts.Helvetica);
    expect([...winAnsiCodePoints].sort((a, b) => a - b)).toEqual(font.getCharacterSet());
    expect([...encodeWinAnsi('A€é’')]).toEqual([0x41, 0x80, 0xe9, 0x92]);
  });

  it.each(fonts)('give %s every character’s advance width as pdf-lib’s copy of the Adobe AFM does', async (name, standard) => {
    const font = await (await PDFDocument.create()).embedFont(standard);
    for (const codePoint of winAnsiCodePoints) {
      const char = String.fromCodePoint(codePoint);
      expect([char, widthOfText(char, name, 1000)]).toEqual([char, font.widthOfTextAtSize(char, 1000)]);
    }
  });

  it.each(fonts)('measure a string in %s as the sum of its glyphs, since Tj draws it without kerning', async (name, standard) => {
    const font = await (await PDFDocument.create()).embedFont(standard);
    for (const text of ['Stad Gent verklaart dat', 'Proof of residence 44021-2026-000123', 'Ærøskøbing “quoted” — €12,50']) {
      const glyphs = [...text].reduce((sum, char) => sum + font.widthOfTextAtSize(char, 11), 0);
      expect(widthOfText(text, name, 11)).toBeCloseTo(glyphs, 9);
    }
    // pdf-lib's own measure kerns (AV, Te, …) though its drawText does not: that is the one difference.
    expect(font.widthOfTextAtSize('AV Te', 11)).toBeLessThan(widthOfText('AV Te', name, 11));
  });
});
