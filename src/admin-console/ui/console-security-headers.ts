import { API_HELMET_OPTIONS, securityHeaders } from '../../common/http/security-headers';

/**
 * The console's pages: the gateway's own scripts, styles and images, calls back to the gateway,
 * and the sign-in form posting to it. No inline script or style, no framing, no plugins, no
 * `<base>`. Every API route keeps its `default-src 'none'`.
 *
 * Referrer policy `same-origin` rather than the API's `no-referrer`: under `no-referrer` a browser
 * sends `Origin: null` with a form post, and the sign-in refuses a post whose origin it cannot
 * see. Other sites still get no referrer.
 */
export const CONSOLE_SECURITY_HEADERS: Readonly<Record<string, string>> = securityHeaders({
  ...API_HELMET_OPTIONS,
  referrerPolicy: { policy: 'same-origin' },
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      frameAncestors: ["'none'"],
      formAction: ["'self'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
    },
  },
});
