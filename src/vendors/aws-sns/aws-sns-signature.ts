import { type KeyObject, verify } from 'node:crypto';
import { SignatureRejectedError } from '../../common/problem/gateway-error';
import type { SnsEnvelope } from './aws-sns-envelope';
import { SNS_NOTIFICATION } from './aws-sns.constants';

/** SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA (both PKCS#1 v1.5). */
const DIGESTS: ReadonlyMap<string, string> = new Map([
  ['1', 'sha1'],
  ['2', 'sha256'],
]);

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The string SNS signs: for each field the message type signs, in byte order of the names,
 * `Name\nValue\n`. Notifications sign Message, MessageId, Subject (only if present), Timestamp,
 * TopicArn, Type; confirmations sign Message, MessageId, SubscribeURL, Timestamp, Token,
 * TopicArn, Type. Values are the JSON-decoded strings (escapes such as \n turned back).
 */
export function snsStringToSign(
  envelope: Pick<
    SnsEnvelope,
    | 'Type'
    | 'Message'
    | 'MessageId'
    | 'Subject'
    | 'SubscribeURL'
    | 'Timestamp'
    | 'Token'
    | 'TopicArn'
  >,
): string {
  const fields: [string, string | undefined][] =
    envelope.Type === SNS_NOTIFICATION
      ? [
          ['Message', envelope.Message],
          ['MessageId', envelope.MessageId],
          ['Subject', envelope.Subject],
          ['Timestamp', envelope.Timestamp],
          ['TopicArn', envelope.TopicArn],
          ['Type', envelope.Type],
        ]
      : [
          ['Message', envelope.Message],
          ['MessageId', envelope.MessageId],
          ['SubscribeURL', envelope.SubscribeURL],
          ['Timestamp', envelope.Timestamp],
          ['Token', envelope.Token],
          ['TopicArn', envelope.TopicArn],
          ['Type', envelope.Type],
        ];
  return fields
    .filter((field): field is [string, string] => field[1] !== undefined)
    .map(([name, value]) => `${name}\n${value}\n`)
    .join('');
}

/** The digest a SignatureVersion names; other versions are refused. */
export function snsDigest(signatureVersion: string): string {
  const digest = DIGESTS.get(signatureVersion);
  if (!digest) throw new SignatureRejectedError('SignatureVersion must be 1 or 2');
  return digest;
}

/** Throws unless `Signature` is the RSA signature of the message by the key's owner. */
export function assertSnsSignature(envelope: SnsEnvelope, publicKey: KeyObject): void {
  const digest = snsDigest(envelope.SignatureVersion);
  if (!BASE64.test(envelope.Signature) || envelope.Signature.length % 4 !== 0) {
    throw new SignatureRejectedError('Signature is not base64');
  }
  let valid: boolean;
  try {
    valid = verify(
      digest,
      Buffer.from(snsStringToSign(envelope), 'utf8'),
      publicKey,
      Buffer.from(envelope.Signature, 'base64'),
    );
  } catch {
    valid = false;
  }
  if (!valid) throw new SignatureRejectedError('Signature does not match the message');
}
