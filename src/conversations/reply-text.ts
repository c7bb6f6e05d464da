/**
 * Turns an agent's B2C Response thread entry (text/html or text/plain) into SMS text and fits it
 * into a budget of concatenated SMS segments.
 */
import { compile, type FormatCallback } from 'html-to-text';
import { SegmentedMessage } from 'sms-segments-calculator';

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface FittedSms {
  /** What to send; '' when the reply has no text (the caller skips it). */
  text: string;
  /** Segments `text` takes (0 for ''). */
  segments: number;
  encoding: SmsEncoding;
  /** True when the text was shortened and ends with an ellipsis. */
  cut: boolean;
  /** Length, in Unicode code points, of the text before any cut. */
  originalLength: number;
}

export interface ReplyInput {
  text: string;
  /**
   * B2C thread contentType lookupName; parameters (`; charset=…`) are ignored. Any string is
   * accepted: `& Record<never, never>` keeps the two known values visible to editors.
   */
  contentType: 'text/html' | 'text/plain' | (string & Record<never, never>);
}

/**
 * Marks a cut. "…" is not in the GSM-7 alphabet: appending it to a GSM-7 text would switch the
 * whole message to UCS-2 and cut its capacity by more than half, so GSM-7 texts get three dots.
 */
export const ELLIPSIS_UCS2 = '…';
export const ELLIPSIS_GSM7 = '...';

// Layout-table cells: keep a row on one line, cells separated by a space.
const tableCell: FormatCallback = (elem, walk, builder) => {
  walk(elem.children, builder);
  builder.addInline(' ');
};

const noCase = { uppercase: false };

const convertHtml = compile({
  wordwrap: false, // SMS has no fixed width: the phone wraps
  formatters: { tableCell },
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true, linkBrackets: ['(', ')'] } },
    { selector: 'img', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'script', format: 'skip' },
    { selector: 'hr', format: 'skip' },
    { selector: 'ul', options: { itemPrefix: '- ' } },
    { selector: 'h1', options: noCase },
    { selector: 'h2', options: noCase },
    { selector: 'h3', options: noCase },
    { selector: 'h4', options: noCase },
    { selector: 'h5', options: noCase },
    { selector: 'h6', options: noCase },
    // Agents' HTML uses tables for layout: no ASCII-art grid, one line per row.
    { selector: 'table', format: 'block' },
    { selector: 'tr', format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: 'td', format: 'tableCell' },
    { selector: 'th', format: 'tableCell' },
  ],
});

// nbsp and the other Unicode spaces are not GSM-7: they would force UCS-2 for nothing.
const HORIZONTAL_SPACE = /[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+/g;
// Invisible characters pasted from word processors (zero-width space, word joiner, BOM): not
// GSM-7 either. ZWJ/ZWNJ stay: emoji sequences and some scripts need them.
const INVISIBLE = /[\u200b\u2060\ufeff]/g;

/** Spaces/tabs collapsed, lines trimmed, at most one blank line in a row, trimmed overall. */
export function normalizeWhitespace(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(INVISIBLE, '')
    .replace(HORIZONTAL_SPACE, ' ')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function htmlToPlainText(html: string): string {
  return normalizeWhitespace(convertHtml(html));
}

function isHtml(contentType: string): boolean {
  return contentType.split(';')[0].trim().toLowerCase() === 'text/html';
}

/** Plain text of a reply; any content type other than text/html is taken as plain text. */
export function replyToPlainText(input: ReplyInput): string {
  return isHtml(input.contentType) ? htmlToPlainText(input.text) : normalizeWhitespace(input.text);
}

/**
 * Segments and encoding of a text. Twilio's calculator keeps escape pairs and surrogate pairs
 * whole within one segment, as carriers do.
 */
export function countSms(text: string): { segments: number; encoding: SmsEncoding } {
  if (text === '') return { segments: 0, encoding: 'GSM-7' };
  const message = new SegmentedMessage(text);
  return { segments: message.segmentsCount, encoding: message.encodingName };
}

/** A single GSM-7 message: no segment of either encoding holds more septets or units. */
const MAX_UNITS_PER_SEGMENT = 160;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Offsets where a cut keeps every grapheme (so every surrogate pair) whole: 0 … text.length. */
function graphemeBoundaries(text: string): number[] {
  const offsets = [0];
  for (const { index, segment } of graphemes.segment(text)) offsets.push(index + segment.length);
  return offsets;
}

function withEllipsis(head: string): string {
  return head + (countSms(head).encoding === 'GSM-7' ? ELLIPSIS_GSM7 : ELLIPSIS_UCS2);
}

/** The text as is when it fits `maxSegments`, else its longest head (ideally whole words) plus an ellipsis. */
export function fitSms(text: string, maxSegments: number): FittedSms {
  if (!Number.isInteger(maxSegments) || maxSegments < 1) {
    throw new RangeError(`maxSegments must be a positive integer, got ${maxSegments}`);
  }
  const originalLength = [...text].length;
  // Every UTF-16 code unit takes at least one septet or unit, so a text longer than this can
  // never fit. Only this window is ever counted: the calculator is slow on long texts (seconds
  // for 100 kB), and an agent may paste a long document.
  const countable = text.slice(0, MAX_UNITS_PER_SEGMENT * maxSegments + 1);
  if (countable.length === text.length) {
    const whole = countSms(text);
    if (whole.segments <= maxSegments) return { text, ...whole, cut: false, originalLength };
  }

  const fits = (candidate: string): boolean => countSms(candidate).segments <= maxSegments;
  const bounds = graphemeBoundaries(countable);
  // Invariant: bounds[lo] fits with its ellipsis, bounds[hi] does not (the countable part is
  // the whole text, which does not fit, or longer than any text that can). Binary search keeps it
  // even where the encoding switches mid-text. bounds[hi] may split a grapheme: never chosen.
  let lo = 0;
  let hi = bounds.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (fits(withEllipsis(text.slice(0, bounds[mid])))) lo = mid;
    else hi = mid;
  }
  const hardCut = bounds[lo];

  const candidates: string[] = [];
  const wordCut = lastWordBoundary(text, hardCut);
  if (wordCut !== undefined) candidates.push(text.slice(0, wordCut).trimEnd());
  candidates.push(text.slice(0, hardCut).trimEnd(), text.slice(0, hardCut));
  // A shorter head always fits too; checked anyway rather than trusted.
  const head = candidates.find((c) => fits(withEllipsis(c))) ?? '';
  const out = withEllipsis(head);
  return { text: out, ...countSms(out), cut: true, originalLength };
}

/**
 * Where to cut so the last word stays whole: `hardCut` itself when it already falls between words,
 * else just before the last word that would be split. Undefined when that would drop more than
 * half of what fits (one very long word, a URL), so a hard cut keeps more of the message.
 */
function lastWordBoundary(text: string, hardCut: number): number | undefined {
  if (hardCut === 0) return undefined;
  if (/\s/.test(text[hardCut] ?? ' ') || /\s/.test(text[hardCut - 1])) return hardCut;
  const head = text.slice(0, hardCut);
  const space = head.search(/\s\S*$/);
  if (space <= 0 || head.slice(0, space).trimEnd().length < hardCut / 2) return undefined;
  return space;
}

/** An agent's reply as SMS text within `maxSegments` segments. */
export function renderReply(input: ReplyInput, maxSegments: number): FittedSms {
  return fitSms(replyToPlainText(input), maxSegments);
}
