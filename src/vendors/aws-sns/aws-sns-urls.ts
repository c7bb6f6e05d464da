import { SignatureRejectedError } from '../../common/problem/gateway-error';

/** SNS's regional endpoints, in the commercial and China partitions. Nothing else is SNS. */
const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/;

/** Anything some URL parser reads differently from another: refused before parsing. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const AMBIGUOUS = /[\s\\\u0000-\u001f\u007f]/;

const CERTIFICATE_PATH = /^\/[A-Za-z0-9_./-]*\.pem$/;

/**
 * An `https://sns.<region>.amazonaws.com/...` URL, or 401. The raw text must start with exactly
 * `https://<host>/`: that alone excludes userinfo (even an empty `@`), any explicit port (also
 * `:443`), upper case, percent-encoding and IP forms of the host, which the WHATWG parser would
 * otherwise normalize into something that looks fine.
 */
function snsUrl(raw: string, what: string): URL {
  if (AMBIGUOUS.test(raw))
    throw new SignatureRejectedError(`${what} contains characters not allowed in it`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SignatureRejectedError(`${what} is not a URL`);
  }
  if (url.protocol !== 'https:') throw new SignatureRejectedError(`${what} is not https`);
  if (!SNS_HOST.test(url.hostname)) {
    throw new SignatureRejectedError(`${what} is not on an sns.<region>.amazonaws.com host`);
  }
  if (!raw.startsWith(`https://${url.hostname}/`)) {
    throw new SignatureRejectedError(
      `${what} must be https://<sns host>/ with no userinfo or port`,
    );
  }
  return url;
}

/** `SigningCertURL`: an SNS host, a path ending in `.pem`, no query or fragment. */
export function assertSigningCertUrl(raw: string): URL {
  const url = snsUrl(raw, 'SigningCertURL');
  if (
    !CERTIFICATE_PATH.test(url.pathname) ||
    url.search !== '' ||
    url.hash !== '' ||
    raw.includes('?') ||
    raw.includes('#')
  ) {
    throw new SignatureRejectedError('SigningCertURL must name a .pem file');
  }
  return url;
}

/** `SubscribeURL`: an SNS host and the ConfirmSubscription action. */
export function assertSubscribeUrl(raw: string): URL {
  const url = snsUrl(raw, 'SubscribeURL');
  if (url.searchParams.get('Action') !== 'ConfirmSubscription' || url.hash !== '') {
    throw new SignatureRejectedError('SubscribeURL is not a ConfirmSubscription call');
  }
  return url;
}
