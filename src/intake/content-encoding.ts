/**
 * The content codings a request declares (`Content-Encoding`, RFC 9110 §8.4) that the gateway
 * does not decode. It decodes none: signatures cover the bytes as sent, and no vendor compresses
 * webhooks, so only `identity` (or no header) is acceptable. Storing a body declared as gzip
 * without decoding it would keep bytes that mean something other than what was verified.
 */
export function undecodedContentCodings(header: string | string[] | undefined): string[] {
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return values
    .flatMap((value) => value.split(','))
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
}
