/**
 * What the PDF writer needs of the two standard fonts it uses, Helvetica and Helvetica-Bold:
 * WinAnsiEncoding (the PDF name for Windows-1252), and each glyph's advance width, so that text
 * can be measured for wrapping. The fonts are not embedded: every PDF reader carries them.
 */

export type StandardFont = 'Helvetica' | 'Helvetica-Bold';

/**
 * The Unicode code points of WinAnsi bytes 0x80–0x9F; 0 where the byte draws nothing. Every
 * other drawable byte (0x20–0x7E, 0xA0–0xFF) is its own code point.
 */
const winAnsiHigh = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

const firstByte = 0x20;

/**
 * Advance widths in thousandths of the font size of WinAnsi bytes 0x20–0xFF, from Adobe's Core 14
 * AFM metrics (Helvetica.afm and Helvetica-Bold.afm, version 002.000); 0 for a byte that draws
 * nothing. 0xA0 is the space glyph and 0xAD the hyphen, as in the PDF specification's table.
 */
const widths: Readonly<Record<StandardFont, readonly number[]>> = {
  Helvetica: [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // 0x20
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0x30
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // 0x40
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // 0x50
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // 0x60
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0, // 0x70
    556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0, // 0x80
    0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 500, // 0x90
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xA0
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xB0
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xC0
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xD0
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278, // 0xE0
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500, // 0xF0
  ],
  'Helvetica-Bold': [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // 0x20
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 0x30
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // 0x40
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // 0x50
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // 0x60
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0, // 0x70
    556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0, // 0x80
    0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 556, // 0x90
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xA0
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xB0
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xC0
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xD0
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278, // 0xE0
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556, // 0xF0
  ],
};

const byteOf = new Map<number, number>();
for (let byte = firstByte; byte <= 0xff; byte += 1) {
  const codePoint = byte >= 0x80 && byte < 0xa0 ? (winAnsiHigh[byte - 0x80] as number) : byte === 0x7f ? 0 : byte;
  if (codePoint !== 0) byteOf.set(codePoint, byte);
}

/** The code points the two fonts can draw: WinAnsi's 218 characters. */
export const winAnsiCodePoints: ReadonlySet<number> = new Set(byteOf.keys());

/** Text as WinAnsi bytes; a character outside WinAnsi is refused, since it would draw as something else. */
export function encodeWinAnsi(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const char of text) {
    const byte = byteOf.get(char.codePointAt(0) as number);
    if (byte === undefined) throw new Error(`WinAnsiEncoding cannot encode "${char}" (U+${(char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')})`);
    bytes.push(byte);
  }
  return Uint8Array.from(bytes);
}

/**
 * The width in points of text drawn in a font at a size: the sum of its glyphs' advance widths.
 * No kerning, because the writer draws text with Tj, which does not kern.
 */
export function widthOfText(text: string, font: StandardFont, size: number): number {
  const table = widths[font];
  let thousandths = 0;
  for (const byte of encodeWinAnsi(text)) thousandths += table[byte - firstByte] as number;
  return (thousandths * size) / 1000;
}
