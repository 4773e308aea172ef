import type { CaseDocument } from '../domain/case';
import type { Language, LocalizedText } from '../domain/transaction-type';
import { widthOfText, winAnsiCodePoints } from './pdf.fonts';
import { PdfDocument, rgb, type PdfPage, type Rgb, type StandardFont } from './pdf.writer';

/** What a document is rendered from: its text, and the name of the government that issues it. */
export interface RenderInput {
  readonly document: Omit<CaseDocument, 'file'>;
  readonly issuer: LocalizedText;
}

const a4 = { width: 595.28, height: 841.89 } as const;
const margin = 56;
const footerHeight = 48;
const textWidth = a4.width - 2 * margin;
const ink = rgb(0.1, 0.1, 0.1);
const muted = rgb(0.4, 0.4, 0.4);
const rule = rgb(0.75, 0.75, 0.75);
const producer = 'Loket';

const labels = {
  nl: { reference: 'Referentie', issued: 'Uitgereikt op', language: 'Nederlands' },
  en: { reference: 'Reference', issued: 'Issued on', language: 'English' },
} as const;

const footer = [
  'Digitaal uitgereikt door Loket. De SHA-256 van dit document staat bij de zaak.',
  'Issued digitally by Loket. The SHA-256 of this document is shown on the case.',
];

const brusselsDay = (iso: string) =>
  new Intl.DateTimeFormat('nl-BE', { timeZone: 'Europe/Brussels', day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date(iso));

/**
 * Keeps only what the font's WinAnsi encoding can draw, so that drawing never throws: an
 * accented letter outside it loses its accent (ő → o), anything else becomes `?`.
 */
export function toEncodable(text: string, characterSet: ReadonlySet<number>): string {
  let out = '';
  for (const char of text.normalize('NFC').replace(/[\t\u00a0]/g, ' ')) {
    const code = char.codePointAt(0) as number;
    if (characterSet.has(code)) {
      out += char;
      continue;
    }
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) continue;
    const base = char.normalize('NFKD').replace(/\p{M}/gu, '');
    out += base !== '' && [...base].every((c) => characterSet.has(c.codePointAt(0) as number)) ? base : '?';
  }
  return out;
}

/** Breaks text into lines no wider than `width`; a word wider than a line is split by characters. */
export function wrap(text: string, font: StandardFont, size: number, width: number): string[] {
  const fits = (candidate: string) => widthOfText(candidate, font, size) <= width;
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = '';
    for (const word of paragraph.split(' ').filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (fits(candidate)) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      line = '';
      let rest = word;
      while (!fits(rest)) {
        let cut = rest.length - 1;
        while (cut > 1 && !fits(rest.slice(0, cut))) cut -= 1;
        lines.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}

/** Writes top to bottom, starting a new page (with the footer) when the current one is full. */
class Writer {
  private page!: PdfPage;
  private y = 0;

  constructor(private readonly pdf: PdfDocument) {
    this.newPage();
  }

  private newPage(): void {
    this.page = this.pdf.addPage(a4.width, a4.height);
    this.y = a4.height - margin;
    let y = margin - 14;
    for (const line of footer) {
      this.page.drawText(line, { x: margin, y, size: 8, font: 'Helvetica', color: muted });
      y -= 11;
    }
    this.page.drawLine({ start: { x: margin, y: margin }, end: { x: a4.width - margin, y: margin }, thickness: 0.5, color: rule });
  }

  private ensure(height: number): void {
    if (this.y - height < margin + footerHeight - 24) this.newPage();
  }

  text(text: string, options: { size: number; bold?: boolean; color?: Rgb; after?: number }): void {
    const font: StandardFont = options.bold ? 'Helvetica-Bold' : 'Helvetica';
    const leading = options.size * 1.4;
    for (const line of wrap(toEncodable(text, winAnsiCodePoints), font, options.size, textWidth)) {
      this.ensure(leading);
      this.y -= leading;
      this.page.drawText(line, { x: margin, y: this.y, size: options.size, font, color: options.color ?? ink });
    }
    this.y -= options.after ?? 0;
  }

  rule(after = 12): void {
    this.ensure(after);
    this.y -= 6;
    this.page.drawLine({ start: { x: margin, y: this.y }, end: { x: a4.width - margin, y: this.y }, thickness: 0.5, color: rule });
    this.y -= after;
  }
}

/**
 * Renders a case's document as an A4 PDF: a header with the issuing government, the reference
 * and the date; the text in the document's language, then in the other (both are official);
 * a footer that says how to check it. The same input gives the same bytes: the metadata dates
 * are the issue time and nothing else varies, so the SHA-256 recorded on the case stays valid.
 */
export async function renderDocumentPdf(input: RenderInput): Promise<Uint8Array> {
  const { document, issuer } = input;
  const first: Language = document.language;
  const second: Language = first === 'nl' ? 'en' : 'nl';
  const issuedAt = new Date(document.issuedAt);

  const plain = (text: string) => toEncodable(text, winAnsiCodePoints);

  const pdf = new PdfDocument({
    title: plain(`${document.title[first]} ${document.reference}`),
    author: plain(issuer[first]),
    subject: plain(`${document.title.nl} / ${document.title.en}`),
    language: first === 'nl' ? 'nl-BE' : 'en',
    producer,
    creator: producer,
    created: issuedAt,
    modified: issuedAt,
  });
  const writer = new Writer(pdf);
  const issuerName = issuer.nl === issuer.en ? issuer[first] : `${issuer[first]} / ${issuer[second]}`;
  writer.text(issuerName, { size: 14, bold: true, after: 4 });
  const day = brusselsDay(document.issuedAt);
  writer.text(`${labels[first].reference} / ${labels[second].reference}: ${document.reference}`, { size: 10, color: muted });
  writer.text(`${labels[first].issued} / ${labels[second].issued}: ${day}`, { size: 10, color: muted });
  writer.rule(24);

  for (const language of [first, second]) {
    writer.text(document.title[language], { size: language === first ? 18 : 15, bold: true, after: 2 });
    writer.text(labels[language].language, { size: 9, color: muted, after: 8 });
    writer.text(document.text[language], { size: 11, after: 16 });
    if (language === first) writer.rule(20);
  }

  return pdf.save();
}
