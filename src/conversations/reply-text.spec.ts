import fc from 'fast-check';
import {
  ELLIPSIS_GSM7,
  ELLIPSIS_UCS2,
  countSms,
  fitSms,
  htmlToPlainText,
  normalizeWhitespace,
  renderReply,
  replyToPlainText,
  type FittedSms,
} from './reply-text';

// GSM 03.38 default alphabet (ESC left out: it only introduces the extension table) and the
// extension table, whose characters take two septets (ESC + code). Written out here so the
// specs check the library against the standard rather than against itself.
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '\f^{}\\[~]|€';

/**
 * Segments by the rules alone: GSM-7 when every character fits (extension = 2 septets), else
 * UCS-2 (a character outside the BMP = 2 units); 160/70 for one message, 153/67 per segment
 * when concatenated; an escape pair or a surrogate pair is never split across segments.
 */
function referenceSegments(text: string): { segments: number; encoding: string } {
  const chars = [...text];
  const gsm = chars.every((c) => GSM_BASIC.includes(c) || GSM_EXTENSION.includes(c));
  const sizes = chars.map((c) => (gsm ? (GSM_EXTENSION.includes(c) ? 2 : 1) : c.length));
  const total = sizes.reduce((a, b) => a + b, 0);
  const encoding = gsm ? 'GSM-7' : 'UCS-2';
  if (total === 0) return { segments: 0, encoding };
  if (total <= (gsm ? 160 : 70)) return { segments: 1, encoding };
  const perSegment = gsm ? 153 : 67;
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > perSegment) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return { segments, encoding };
}

/** The head of a result with its ellipsis removed (the whole text when not cut). */
function headOf(result: FittedSms): string {
  if (!result.cut) return result.text;
  const ellipsis = result.encoding === 'GSM-7' ? ELLIPSIS_GSM7 : ELLIPSIS_UCS2;
  expect(result.text.endsWith(ellipsis)).toBe(true);
  return result.text.slice(0, -ellipsis.length);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const ORACLE_RESPONSE = `<div style="font-family: Arial;"><p>Hello&nbsp;Maria,</p>
<p>Thank you for contacting <strong>Acme&nbsp;Support</strong>.<br />
Your replacement card has been shipped &amp; should arrive in 3&ndash;5 days.</p>
<p>Before then, please:</p>
<ul>
  <li>activate it at <a href="https://acme.example/activate">our activation page</a></li>
  <li>check <a href="https://acme.example/faq">https://acme.example/faq</a></li>
</ul>
<p><img src="https://acme.example/logo.png" alt="Acme logo" /></p>
<p>&nbsp;</p>
<p>Kind regards,<br>Jos&eacute; &middot; Acme Support</p></div>`;

const ORACLE_RESPONSE_TEXT = [
  'Hello Maria,',
  '',
  'Thank you for contacting Acme Support.',
  'Your replacement card has been shipped & should arrive in 3–5 days.',
  '',
  'Before then, please:',
  '',
  '- activate it at our activation page (https://acme.example/activate)',
  '- check https://acme.example/faq',
  '',
  'Kind regards,',
  'José · Acme Support',
].join('\n');

describe('HTML to plain text', () => {
  it('renders an Oracle-style response: paragraphs, <br>, links, lists, entities, nbsp, no images', () => {
    expect(htmlToPlainText(ORACLE_RESPONSE)).toBe(ORACLE_RESPONSE_TEXT);
  });

  it('shows a link once when its text is its URL, and drops in-page anchors', () => {
    const html =
      '<p><a href="https://x.example/a">https://x.example/a</a> <a href="#top">top</a></p>';
    expect(htmlToPlainText(html)).toBe('https://x.example/a top');
  });

  it('lays out a layout table as one line per row, without a grid', () => {
    const html =
      '<table border="1"><tr><th>Order</th><td>12345</td></tr><tr><td>Status</td><td>Shipped</td></tr></table>';
    expect(htmlToPlainText(html)).toBe('Order 12345\nStatus Shipped');
  });

  it('drops <style>, <script> and <hr>, keeps headings in their own case', () => {
    const html =
      '<style>p { color: red }</style><h2>Your Order</h2><hr><p>Shipped.</p><script>alert(1)</script>';
    expect(htmlToPlainText(html)).toBe('Your Order\n\nShipped.');
  });

  it('keeps at most one blank line between paragraphs', () => {
    const html = '<p>One</p><p></p><p>&nbsp;</p><br><br><br><p>Two</p>';
    expect(htmlToPlainText(html)).toBe('One\n\nTwo');
  });

  it('does not wrap long lines', () => {
    const sentence = 'word '.repeat(40).trim();
    expect(htmlToPlainText(`<p>${sentence}</p>`)).toBe(sentence);
  });
});

describe('whitespace treatment (text/plain)', () => {
  it('collapses spaces, tabs and nbsp, trims lines, keeps one blank line, trims the whole', () => {
    const text =
      '  \r\n Hi\u00a0\u00a0there,\t\tfriend  \r\n\r\n\r\n\r\n  <b>not a tag</b>  \n\n  ';
    expect(normalizeWhitespace(text)).toBe('Hi there, friend\n\n<b>not a tag</b>');
  });

  it('removes zero-width spaces and BOMs but keeps the ZWJ inside an emoji sequence', () => {
    expect(normalizeWhitespace('\ufeffOK\u200b then 👨‍👩‍👧')).toBe('OK then 👨‍👩‍👧');
  });

  it('treats only text/html as HTML, whatever its parameters or case', () => {
    expect(
      replyToPlainText({ text: '<p>a&amp;b</p>', contentType: 'Text/HTML; charset=UTF-8' }),
    ).toBe('a&b');
    expect(replyToPlainText({ text: '<p>a&amp;b</p>', contentType: 'text/plain' })).toBe(
      '<p>a&amp;b</p>',
    );
    expect(replyToPlainText({ text: ' <p>x</p> ', contentType: 'application/x-unknown' })).toBe(
      '<p>x</p>',
    );
  });
});

describe('countSms', () => {
  it.each([
    ['160 GSM-7 characters', 1, 'GSM-7', 'a'.repeat(160)],
    ['161 GSM-7 characters', 2, 'GSM-7', 'a'.repeat(161)],
    ['306 GSM-7 characters', 2, 'GSM-7', 'a'.repeat(306)],
    ['307 GSM-7 characters', 3, 'GSM-7', 'a'.repeat(307)],
    ['70 UCS-2 characters', 1, 'UCS-2', 'á'.repeat(70)],
    ['71 UCS-2 characters', 2, 'UCS-2', 'á'.repeat(71)],
    ['134 UCS-2 characters', 2, 'UCS-2', 'á'.repeat(134)],
    ['135 UCS-2 characters', 3, 'UCS-2', 'á'.repeat(135)],
    ['80 € (2 septets each)', 1, 'GSM-7', '€'.repeat(80)],
    ['159 a and one €', 2, 'GSM-7', 'a'.repeat(159) + '€'],
    ['35 emoji (2 units each)', 1, 'UCS-2', '😀'.repeat(35)],
    ['35 emoji and one a', 2, 'UCS-2', '😀'.repeat(35) + 'a'],
    ['the empty text', 0, 'GSM-7', ''],
  ])('%s → %i segment(s) in %s', (_name, segments, encoding, text) => {
    expect(countSms(text)).toEqual({ segments, encoding });
    expect(referenceSegments(text)).toEqual({ segments, encoding });
  });

  it('knows which Greek and accented letters are GSM-7', () => {
    expect(countSms('ΔΦΓΛΩΠΨΣΘΞ èéùìòÇØøÅåÆæßÉÄÖÑÜäöñüà').encoding).toBe('GSM-7');
    for (const nonGsm of [
      'α',
      'β',
      'Ά',
      'á',
      'í',
      'ó',
      'ú',
      'ê',
      'ç',
      'ã',
      'ő',
      '–',
      '’',
      '\u00a0',
    ]) {
      expect(countSms(`Hello ${nonGsm}`).encoding).toBe('UCS-2');
    }
  });

  it('agrees with the rules on random text mixing GSM, extension, Greek, accents and emoji', () => {
    const unit = fc.constantFrom(...'aZ0 .\n€{|ΔΩé', ...'αá–’', '😀', '𝄞');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 420 }), (text) => {
        expect(countSms(text)).toEqual(referenceSegments(text));
      }),
      { numRuns: 300 },
    );
  });
});

describe('fitSms', () => {
  it.each([
    [160, 1],
    [306, 2],
  ])('leaves %i GSM-7 characters whole within %i segment(s)', (length, max) => {
    const text = 'a'.repeat(length);
    expect(fitSms(text, max)).toEqual({
      text,
      segments: max,
      encoding: 'GSM-7',
      cut: false,
      originalLength: length,
    });
  });

  it.each([
    [161, 1],
    [307, 2],
  ])(
    'cuts %i GSM-7 characters (one long word) to fill %i segment(s) exactly, with "..."',
    (length, max) => {
      const limit = max === 1 ? 160 : 153 * max;
      const result = fitSms('a'.repeat(length), max);
      expect(result).toEqual({
        text: 'a'.repeat(limit - 3) + '...',
        segments: max,
        encoding: 'GSM-7',
        cut: true,
        originalLength: length,
      });
    },
  );

  it('leaves 70 UCS-2 characters whole and cuts 71 to 69 plus "…"', () => {
    expect(fitSms('á'.repeat(70), 1)).toMatchObject({
      text: 'á'.repeat(70),
      cut: false,
      segments: 1,
    });
    expect(fitSms('á'.repeat(71), 1)).toEqual({
      text: 'á'.repeat(69) + '…',
      segments: 1,
      encoding: 'UCS-2',
      cut: true,
      originalLength: 71,
    });
  });

  it('cuts a 2000-character response to 3 segments at a word boundary', () => {
    const sentence = 'Your refund of 42 EUR was approved today and will reach your account soon. ';
    const response = sentence.repeat(30).slice(0, 2000).trim();
    expect(response.length).toBeGreaterThanOrEqual(1990);

    const result = fitSms(response, 3);
    expect(result).toMatchObject({
      segments: 3,
      encoding: 'GSM-7',
      cut: true,
      originalLength: response.length,
    });
    const head = headOf(result);
    expect(response.startsWith(head)).toBe(true);
    expect(response[head.length]).toBe(' '); // the last word is whole
    expect(result.text.length).toBeLessThanOrEqual(3 * 153);
    expect(result.text.length).toBeGreaterThan(3 * 153 - 15); // and little space is wasted
  });

  it('cuts a 2000-character UCS-2 response to 3 segments of 67 units', () => {
    const sentence = 'Ευχαριστούμε για το μήνυμά σας, θα σας απαντήσουμε σύντομα. ';
    const response = sentence.repeat(40).slice(0, 2000).trim();
    const result = fitSms(response, 3);
    expect(result).toMatchObject({ segments: 3, encoding: 'UCS-2', cut: true });
    const head = headOf(result);
    expect(response.startsWith(head)).toBe(true);
    expect(response[head.length]).toBe(' ');
    expect(result.text.length).toBeLessThanOrEqual(3 * 67);
  });

  it.each([
    // 157 characters + "..." fill one segment; what stands at characters 157/158 decides.
    [
      'keeps a word that ends exactly at the limit',
      'b'.repeat(100) + ' ' + 'c'.repeat(56) + ' dddd',
      'b'.repeat(100) + ' ' + 'c'.repeat(56),
    ],
    ['drops a word that would be split', 'b'.repeat(100) + ' ' + 'c'.repeat(60), 'b'.repeat(100)],
    ['drops the space that the cut falls after', 'b'.repeat(156) + ' cccc', 'b'.repeat(156)],
    [
      'cuts inside a word rather than lose most of the text',
      'b'.repeat(10) + ' ' + 'c'.repeat(200),
      'b'.repeat(10) + ' ' + 'c'.repeat(146),
    ],
  ])('%s', (_name, text, head) => {
    expect(fitSms(text, 1)).toMatchObject({ text: head + '...', segments: 1, cut: true });
  });

  it('never splits an extension character: 156 a + € + bbbb in one segment keeps the a only', () => {
    // 156 + 2 (€) + 3 (...) = 161 septets: one too many, so the € goes.
    const result = fitSms('a'.repeat(156) + '€' + 'bbbb', 1);
    expect(result.text).toBe('a'.repeat(156) + '...');
    expect(result.segments).toBe(1);
  });

  it('never splits a surrogate pair or an emoji sequence', () => {
    const emoji = fitSms('😀'.repeat(40), 1);
    expect(emoji.text).toBe('😀'.repeat(34) + '…'); // 68 units + 1
    const family = '👨‍👩‍👧';
    const families = fitSms(family.repeat(10), 1);
    expect(families.text).toBe(family.repeat(8) + '…'); // 8 × 8 units + 1 ≤ 70
    expect(families.text).not.toMatch(LONE_SURROGATE);
  });

  it('switches back to GSM-7 when the cut drops the only non-GSM characters', () => {
    const result = fitSms('x'.repeat(68) + '😀😀', 1);
    expect(result).toMatchObject({
      text: 'x'.repeat(68) + '...',
      encoding: 'GSM-7',
      segments: 1,
      cut: true,
    });
  });

  it('cuts a pasted 100 kB document quickly (only what can fit is ever counted)', () => {
    const document = 'Please find the terms and conditions below. '.repeat(2300);
    const started = Date.now();
    const result = fitSms(document, 3);
    expect(Date.now() - started).toBeLessThan(5000); // ~0.1 s; counting it all takes minutes
    expect(result).toMatchObject({
      segments: 3,
      encoding: 'GSM-7',
      cut: true,
      originalLength: document.length,
    });
    expect(document.startsWith(headOf(result))).toBe(true);
  });

  it('rejects a segment budget that is not a positive integer', () => {
    expect(() => fitSms('hi', 0)).toThrow(RangeError);
    expect(() => fitSms('hi', 1.5)).toThrow(RangeError);
  });

  it('always fits the budget and keeps a prefix of the text (property)', () => {
    const unit = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...'abcXYZ019 .,\n') },
      { weight: 2, arbitrary: fc.constantFrom(...'€{}[]|^~\\ΔΩéñ') },
      { weight: 1, arbitrary: fc.constantFrom('α', 'á', '’', '😀', '👨‍👩‍👧', 'e\u0301', '🇫🇷') },
    );
    fc.assert(
      fc.property(
        fc.string({ unit, maxLength: 700 }),
        fc.integer({ min: 1, max: 4 }),
        (text, max) => {
          const result = fitSms(text, max);
          expect(result.segments).toBeLessThanOrEqual(max);
          expect(countSms(result.text)).toEqual({
            segments: result.segments,
            encoding: result.encoding,
          });
          expect(referenceSegments(result.text).segments).toBeLessThanOrEqual(max);
          expect(result.text).not.toMatch(LONE_SURROGATE);
          expect(result.originalLength).toBe([...text].length);
          if (!result.cut) expect(result.text).toBe(text);
          else expect(text.startsWith(headOf(result))).toBe(true);
          expect(result.cut).toBe(countSms(text).segments > max);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('renderReply', () => {
  it('renders an HTML response that fits as is', () => {
    expect(renderReply({ text: ORACLE_RESPONSE, contentType: 'text/html' }, 5)).toEqual({
      text: ORACLE_RESPONSE_TEXT,
      segments: 5, // 280 units: the en dash and the middle dot are not GSM-7 (é is)
      encoding: 'UCS-2',
      cut: false,
      originalLength: ORACLE_RESPONSE_TEXT.length,
    });
  });

  it('cuts an HTML response at a word boundary with "…"', () => {
    const result = renderReply({ text: ORACLE_RESPONSE, contentType: 'text/html' }, 3);
    expect(result).toMatchObject({ segments: 3, encoding: 'UCS-2', cut: true });
    expect(result.text).toBe(ORACLE_RESPONSE_TEXT.slice(0, result.text.length - 1) + '…');
    expect(ORACLE_RESPONSE_TEXT[result.text.length - 1]).toMatch(/\s/);
  });

  it('returns empty text for a response with nothing to send', () => {
    for (const input of [
      { text: '<p>&nbsp;</p><br><img src="x.png">', contentType: 'text/html' },
      { text: ' \n\t ', contentType: 'text/plain' },
    ]) {
      expect(renderReply(input, 1)).toEqual({
        text: '',
        segments: 0,
        encoding: 'GSM-7',
        cut: false,
        originalLength: 0,
      });
    }
  });

  it('sends an emoji reply as UCS-2', () => {
    expect(renderReply({ text: '<p>Thanks! 😀</p>', contentType: 'text/html' }, 1)).toMatchObject({
      text: 'Thanks! 😀',
      encoding: 'UCS-2',
      segments: 1,
    });
  });

  it('output is a prefix of the plain text and fits (property over HTML-ish input)', () => {
    const piece = fc.constantFrom(
      '<p>',
      '</p>',
      '<br>',
      '<ul><li>',
      '</li></ul>',
      '<a href="https://a.example/x">',
      '</a>',
      '<img src="i.png">',
      '&amp;',
      '&nbsp;',
      '&eacute;',
      '&euro;',
      ' ',
      '\n',
      '\t',
      'word',
      'Ωmega',
      'ça',
      '😀',
      'καλημέρα',
      '{x}',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 150 }).map((parts) => parts.join('')),
        fc.constantFrom('text/html', 'text/plain'),
        fc.integer({ min: 1, max: 3 }),
        (text, contentType, max) => {
          const input = { text, contentType };
          const plain = replyToPlainText(input);
          const result = renderReply(input, max);
          expect(result.segments).toBeLessThanOrEqual(max);
          expect(plain.startsWith(headOf(result))).toBe(true);
          expect(result.text === '').toBe(plain === '');
        },
      ),
      { numRuns: 200 },
    );
  });
});
