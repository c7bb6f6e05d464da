import { SignatureRejectedError } from '../../common/problem/gateway-error';
import { type JsonObject, parseJsonBody } from '../kit/payload';
import type { WebhookRequest } from '../webhook-vendor';
import {
  SNS_NOTIFICATION,
  SNS_SUBSCRIPTION_CONFIRMATION,
  SNS_UNSUBSCRIBE_CONFIRMATION,
} from './aws-sns.constants';

export type SnsMessageType =
  | typeof SNS_NOTIFICATION
  | typeof SNS_SUBSCRIPTION_CONFIRMATION
  | typeof SNS_UNSUBSCRIBE_CONFIRMATION;

const MESSAGE_TYPES: readonly string[] = [
  SNS_NOTIFICATION,
  SNS_SUBSCRIPTION_CONFIRMATION,
  SNS_UNSUBSCRIBE_CONFIRMATION,
];

/** The JSON document SNS posts, with the fields the signature and the adapter need. */
export interface SnsEnvelope {
  Type: SnsMessageType;
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: string;
  Signature: string;
  SigningCertURL: string;
  /** Notifications only, and only when the publisher gave one. */
  Subject?: string;
  /** Subscription and unsubscribe confirmations. */
  SubscribeURL?: string;
  Token?: string;
  /** The parsed body as sent, for `raw`. */
  document: JsonObject;
}

/**
 * A field the signature covers or needs. Missing or not a string means nothing about the
 * message can be authenticated: 401, like any other unverifiable request.
 */
function signedField(document: JsonObject, name: string): string {
  const value = document[name];
  if (typeof value !== 'string' || value === '') {
    throw new SignatureRejectedError(
      `${name} ${value === undefined || value === '' ? 'missing' : 'is not a string'}`,
    );
  }
  return value;
}

function optionalSignedField(document: JsonObject, name: string): string | undefined {
  if (!(name in document)) return undefined;
  const value = document[name];
  if (typeof value !== 'string') throw new SignatureRejectedError(`${name} is not a string`);
  return value;
}

/**
 * Reads the SNS JSON document from the body. Both verify and parse call it (they never share
 * state), so what parse maps is exactly what verify checked. A body that is not a JSON object
 * is malformed (400); a document without what its type signs is unverifiable (401).
 */
export function readSnsEnvelope(request: Pick<WebhookRequest, 'rawBody'>): SnsEnvelope {
  const document = parseJsonBody(request, 'object');
  const type = signedField(document, 'Type');
  if (!MESSAGE_TYPES.includes(type)) {
    throw new SignatureRejectedError(`Type must be one of ${MESSAGE_TYPES.join(', ')}`);
  }
  const notification = type === SNS_NOTIFICATION;
  return {
    Type: type as SnsMessageType,
    MessageId: signedField(document, 'MessageId'),
    TopicArn: signedField(document, 'TopicArn'),
    // An empty Message is possible in principle and still signed; only its type is checked.
    Message: optionalSignedField(document, 'Message') ?? missing('Message'),
    Timestamp: signedField(document, 'Timestamp'),
    SignatureVersion: signedField(document, 'SignatureVersion'),
    Signature: signedField(document, 'Signature'),
    SigningCertURL: signedField(document, 'SigningCertURL'),
    Subject: notification ? optionalSignedField(document, 'Subject') : undefined,
    SubscribeURL: notification ? undefined : signedField(document, 'SubscribeURL'),
    Token: notification ? undefined : signedField(document, 'Token'),
    document,
  };
}

function missing(name: string): never {
  throw new SignatureRejectedError(`${name} missing`);
}
