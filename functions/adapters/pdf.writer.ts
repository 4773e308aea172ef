import { encodeWinAnsi, type StandardFont } from './pdf.fonts';

/**
 * A small PDF 1.4 writer, just what Loket's documents need: pages, text in the standard fonts
 * Helvetica and Helvetica-Bold (WinAnsiEncoding, not embedded), lines, RGB colours and the
 * document information. Nothing is compressed and nothing varies but the input (no clock, no
 * random id), so the same document always gives the same bytes and its SHA-256 stays valid.
 */

export type { StandardFont } from './pdf.fonts';

/** A colour, each component from 0 to 1. */
export interface Rgb {
  readonly red: number;
  readonly green: number;
  readonly blue: number;
}

export const rgb = (red: number, green: number, blue: number): Rgb => ({ red, green, blue });

/** The document information dictionary, and the language a reader reads the text in. */
export interface PdfMetadata {
  readonly title: string;
  readonly author: string;
  readonly subject: string;
  readonly creator: string;
  readonly producer: string;
  readonly created: Date;
  readonly modified: Date;
  /** A BCP 47 tag, e.g. `nl-BE`. */
  readonly language: string;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

const fontResources: Readonly<Record<StandardFont, string>> = { Helvetica: 'F1', 'Helvetica-Bold': 'F2' };

/** A number as a PDF writes it: at most three decimals, never an exponent or `-0`. */
const num = (value: number): string => {
  if (!Number.isFinite(value)) throw new Error(`a PDF cannot hold the number ${value}`);
  const rounded = Math.round(value * 1000) / 1000;
  return rounded === 0 ? '0' : String(rounded);
};

const colour = ({ red, green, blue }: Rgb) => `${num(red)} ${num(green)} ${num(blue)}`;

/**
 * A literal string of WinAnsi text: `\`, `(` and `)` are escaped, and every byte outside printable
 * ASCII is written as an octal escape, so a content stream is plain ASCII and no byte is read as
 * an end of line.
 */
function literal(text: string): string {
  let out = '(';
  for (const byte of encodeWinAnsi(text)) {
    if (byte === 0x5c || byte === 0x28 || byte === 0x29) out += `\\${String.fromCharCode(byte)}`;
    else if (byte < 0x20 || byte > 0x7e) out += `\\${byte.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return `${out})`;
}

/** A text string for the document information: UTF-16BE with its byte order mark, so that any text survives. */
function textString(text: string): string {
  let hex = 'FEFF';
  for (let index = 0; index < text.length; index += 1) hex += text.charCodeAt(index).toString(16).toUpperCase().padStart(4, '0');
  return `<${hex}>`;
}

/** `D:YYYYMMDDHHmmSSZ`, in UTC. */
const pdfDate = (instant: Date) => `(D:${instant.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z)`;

/** A page: what is drawn on it, in the order drawn, in points from its bottom left corner. */
export class PdfPage {
  private readonly operations: string[] = [];

  constructor(
    readonly width: number,
    readonly height: number,
  ) {}

  /** Draws one line of text with its baseline starting at (x, y); the text must be WinAnsi. */
  drawText(text: string, options: { readonly x: number; readonly y: number; readonly size: number; readonly font: StandardFont; readonly color: Rgb }): void {
    const { x, y, size, font, color } = options;
    this.operations.push(`BT\n/${fontResources[font]} ${num(size)} Tf\n${colour(color)} rg\n1 0 0 1 ${num(x)} ${num(y)} Tm\n${literal(text)} Tj\nET`);
  }

  /** Draws a straight line; the graphics state is saved around it so its width and colour stay with it. */
  drawLine(options: { readonly start: Point; readonly end: Point; readonly thickness: number; readonly color: Rgb }): void {
    const { start, end, thickness, color } = options;
    this.operations.push(`q\n${colour(color)} RG\n${num(thickness)} w\n${num(start.x)} ${num(start.y)} m\n${num(end.x)} ${num(end.y)} l\nS\nQ`);
  }

  /** The page's content stream. */
  content(): string {
    return this.operations.map((operation) => `${operation}\n`).join('');
  }
}

/** A document of pages; `save` writes it as PDF 1.4. */
export class PdfDocument {
  private readonly pages: PdfPage[] = [];

  constructor(private readonly metadata: PdfMetadata) {}

  addPage(width: number, height: number): PdfPage {
    const page = new PdfPage(width, height);
    this.pages.push(page);
    return page;
  }

  /**
   * The file: header, objects (catalog, page tree, the two fonts, the information dictionary,
   * then each page and its content stream), the cross-reference table with each object's byte
   * offset, and the trailer. Every byte is ASCII but the header's binary marker, so a character
   * is a byte and a string's length is its offset.
   */
  save(): Uint8Array {
    const { metadata, pages } = this;
    const firstPage = 6;
    const pageRefs = pages.map((_, index) => `${firstPage + 2 * index} 0 R`);
    const objects = [
      `<< /Type /Catalog /Pages 2 0 R /Lang ${literal(metadata.language)} >>`,
      `<< /Type /Pages /Kids [${pageRefs.join(' ')}] /Count ${pages.length} >>`,
      ...(['Helvetica', 'Helvetica-Bold'] as const).map((font) => `<< /Type /Font /Subtype /Type1 /BaseFont /${font} /Encoding /WinAnsiEncoding >>`),
      [
        `<< /Title ${textString(metadata.title)}`,
        `/Author ${textString(metadata.author)}`,
        `/Subject ${textString(metadata.subject)}`,
        `/Creator ${textString(metadata.creator)}`,
        `/Producer ${textString(metadata.producer)}`,
        `/CreationDate ${pdfDate(metadata.created)}`,
        `/ModDate ${pdfDate(metadata.modified)} >>`,
      ].join('\n'),
      ...pages.flatMap((page, index) => {
        const content = page.content();
        return [
          `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${num(page.width)} ${num(page.height)}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${firstPage + 2 * index + 1} 0 R >>`,
          `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
        ];
      }),
    ];

    let file = '%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n';
    const offsets: number[] = [];
    objects.forEach((object, index) => {
      offsets.push(file.length);
      file += `${index + 1} 0 obj\n${object}\nendobj\n`;
    });
    const xref = file.length;
    file += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
    for (const offset of offsets) file += `${String(offset).padStart(10, '0')} 00000 n \n`;
    file += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${xref}\n%%EOF\n`;

    const bytes = new Uint8Array(file.length);
    for (let index = 0; index < file.length; index += 1) bytes[index] = file.charCodeAt(index);
    return bytes;
  }
}
