import { createHash, createHmac } from 'node:crypto';
import { GatewayError, SignatureRejectedError } from '../../common/problem/gateway-error';
import { assertFresh, constantTimeEqual, epochSecondsToMs } from '../kit/verification';
import type { WebhookRequest } from '../webhook-vendor';
import { readVonageSmsParams, type VonageSmsParams } from './vonage-sms-params';
import { VONAGE_SMS_SIG_PARAM, type VonageSmsSignatureMethod } from './vonage-sms.constants';

const HMAC_DIGESTS: Readonly<Record<Exclude<VonageSmsSignatureMethod, 'md5hash'>, string>> = {
  md5hmac: 'md5',
  sha1hmac: 'sha1',
  sha256hmac: 'sha256',
  sha512hmac: 'sha512',
};
const HEX = /^[0-9a-f]+$/i;

/** Plain code-unit order, as the Vonage SDKs' argument-less sort. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The string Vonage signs: `&name=value` for every parameter but `sig`, names sorted, with `&`
 * and `=` inside values replaced by `_` (so a value cannot fake a parameter boundary).
 */
export function vonageSmsSignedString(params: VonageSmsParams): string {
  return Object.keys(params)
    .filter((name) => name !== VONAGE_SMS_SIG_PARAM)
    .sort(byCodeUnit)
    .map((name) => `&${name}=${params[name].replace(/[&=]/g, '_')}`)
    .join('');
}

/**
 * The `sig` Vonage computes: md5hash is lower-case md5(string + secret); the HMAC variants are
 * upper-case hex, as Vonage sends them (verification compares case-insensitively).
 */
export function computeVonageSmsSignature(
  params: VonageSmsParams,
  secret: string,
  method: VonageSmsSignatureMethod,
): string {
  const signed = vonageSmsSignedString(params);
  if (method === 'md5hash') {
    return createHash('md5')
      .update(signed + secret, 'utf8')
      .digest('hex');
  }
  return createHmac(HMAC_DIGESTS[method], secret)
    .update(signed, 'utf8')
    .digest('hex')
    .toUpperCase();
}

export interface VonageSmsSignatureCheck {
  secret: string;
  method: VonageSmsSignatureMethod;
  toleranceMs: number;
}

/** The body's parameters for verification; a body that cannot be read carries no valid `sig`. */
function signedParams(request: Pick<WebhookRequest, 'rawBody' | 'contentType'>): VonageSmsParams {
  try {
    return readVonageSmsParams(request);
  } catch (error) {
    if (error instanceof GatewayError) {
      throw new SignatureRejectedError(`sig cannot be checked: ${error.message}`);
    }
    throw error;
  }
}

/**
 * Checks the `sig` parameter over the body's parameters, then the signed `timestamp`'s freshness.
 * No replay key: Vonage does not document whether a retry carries a new nonce, and a replay
 * inside the window can only redeliver a message already held (deduplicated on messageId).
 */
export function verifyVonageSmsSignature(
  request: Pick<WebhookRequest, 'rawBody' | 'contentType' | 'receivedAt'>,
  check: VonageSmsSignatureCheck,
): void {
  const params = signedParams(request);
  const sig = params[VONAGE_SMS_SIG_PARAM];
  if (sig === undefined || sig === '') throw new SignatureRejectedError('sig parameter missing');
  if (!HEX.test(sig)) throw new SignatureRejectedError('sig parameter is not hexadecimal');
  const expected = computeVonageSmsSignature(params, check.secret, check.method);
  if (!constantTimeEqual(sig.toLowerCase(), expected.toLowerCase())) {
    throw new SignatureRejectedError('signature mismatch');
  }
  // After the signature: only a signed timestamp means anything.
  const timestamp = params.timestamp;
  if (timestamp === undefined) throw new SignatureRejectedError('timestamp parameter missing');
  assertFresh(epochSecondsToMs(timestamp), request.receivedAt, check.toleranceMs);
}
