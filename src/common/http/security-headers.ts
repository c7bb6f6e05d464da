import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Nothing here is a page: forbid every content source, framing and MIME sniffing. Helmet's
 * default directives are left out: they would allow styles, fonts and images from https.
 */
export const API_HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
  crossOriginResourcePolicy: { policy: 'same-origin' },
  referrerPolicy: { policy: 'no-referrer' },
};

/**
 * The headers helmet sets for `options`, computed once. Helmet's middleware builds them again on
 * every response (the CSP directives are parsed per request), which cost a webhook more than its
 * signature check; with no nonces and no per-request directives they never change.
 */
export function securityHeaders(
  options: HelmetOptions = API_HELMET_OPTIONS,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: Error | undefined;
  let finished = false;
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error) => {
    if (error !== undefined)
      failure = error instanceof Error ? error : new Error('helmet refused its options');
    finished = true;
  });
  if (failure) throw failure;
  if (!finished) throw new Error('helmet did not set its headers synchronously');
  return headers;
}
