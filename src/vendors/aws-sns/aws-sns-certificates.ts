import { type KeyObject, X509Certificate } from 'node:crypto';
import { OutboundRefusedError, SignatureRejectedError } from '../../common/problem/gateway-error';
import { OutboundFailedError } from '../../allowlist/outbound/outbound-errors';
import type { OutboundHttp } from '../../allowlist/outbound/outbound-http.port';

/** A PEM certificate is about 2 KiB; anything far larger is not one. */
const MAX_CERTIFICATE_BYTES = 64 * 1024;
const FETCH_TIMEOUT_MS = 5_000;
/** SNS uses one certificate per region at a time; a few dozen cover every rotation overlap. */
const CACHE_LIMIT = 32;
/** The URL names its content (a hash in the file name), so a day only bounds a revoked one. */
const CACHE_TTL_MS = 24 * 60 * 60 * 1000;

interface CachedCertificate {
  fetchedAt: number;
  certificate: Promise<X509Certificate>;
}

/**
 * The vendor's only state: a bounded cache of AWS's public signing certificates, keyed by
 * `SigningCertURL`. They are public, so nothing secret is kept; the cache only spares SNS a
 * certificate download per message. A fetch in flight is shared by concurrent messages, and a
 * failed one is forgotten at once so the next message tries again.
 */
const cache = new Map<string, CachedCertificate>();

/** For tests that count downloads. */
export function forgetSigningCertificates(): void {
  cache.clear();
}

/**
 * The certificate at `url` (already checked to be an SNS `.pem` URL), downloaded through the
 * outbound allowlist. A URL the allowlist refuses, an answer other than 200 or a body that is no
 * RSA certificate means the message cannot be authenticated (401); a network failure or an AWS
 * 5xx is passed on, so SNS retries later.
 */
export async function signingCertificate(
  url: URL,
  http: OutboundHttp,
  now: number,
): Promise<X509Certificate> {
  const key = url.href;
  const cached = cache.get(key);
  if (cached && now - cached.fetchedAt < CACHE_TTL_MS) return cached.certificate;
  if (cached) cache.delete(key);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  const certificate = download(url, http);
  cache.set(key, { fetchedAt: now, certificate });
  try {
    return await certificate;
  } catch (error) {
    if (cache.get(key)?.certificate === certificate) cache.delete(key);
    throw error;
  }
}

async function download(url: URL, http: OutboundHttp): Promise<X509Certificate> {
  let response;
  try {
    response = await http.request({
      url: url.href,
      purpose: 'sns-certificate',
      timeoutMs: FETCH_TIMEOUT_MS,
      maxResponseBytes: MAX_CERTIFICATE_BYTES,
    });
  } catch (error) {
    if (error instanceof OutboundRefusedError) {
      throw new SignatureRejectedError(
        `SigningCertURL host is not on the outbound allowlist (${error.reason})`,
      );
    }
    throw error;
  }
  if (response.status >= 500) {
    throw new OutboundFailedError(url.origin + url.pathname, `answered ${response.status}`);
  }
  if (response.status !== 200) {
    throw new SignatureRejectedError(`SigningCertURL answered ${response.status}`);
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(response.body);
  } catch {
    throw new SignatureRejectedError('SigningCertURL did not return a PEM certificate');
  }
  if (certificate.publicKey.asymmetricKeyType !== 'rsa') {
    throw new SignatureRejectedError('the signing certificate does not hold an RSA key');
  }
  return certificate;
}

/** The certificate's key, if the certificate is valid at `at`. */
export function currentPublicKey(certificate: X509Certificate, at: Date): KeyObject {
  const from = Date.parse(certificate.validFrom);
  const to = Date.parse(certificate.validTo);
  if (!(at.getTime() >= from && at.getTime() <= to)) {
    throw new SignatureRejectedError('the signing certificate is not valid now');
  }
  return certificate.publicKey;
}
