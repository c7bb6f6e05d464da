import { API_HELMET_OPTIONS, securityHeaders } from '../../common/http/security-headers';

/**
 * The one page the gateway serves, and the only responses with a CSP that lets anything load:
 * the gateway's own scripts, styles and images (Swagger UI's icons are `data:` URIs in its CSS),
 * and calls back to the gateway for the document. Still no inline script or style, no framing,
 * no form posts. Every other route keeps the API's `default-src 'none'`.
 */
export const DOCS_SECURITY_HEADERS: Readonly<Record<string, string>> = securityHeaders({
  ...API_HELMET_OPTIONS,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
    },
  },
});
