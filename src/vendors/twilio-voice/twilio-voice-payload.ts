import {
  MalformedPayloadError,
  UnprocessablePayloadError,
} from '../../common/problem/gateway-error';
import type { InboundMessage } from '../../messages/inbound-message';
import { decodeSingleValuedForm } from '../kit/form-body';
import { twilioAddressToE164 } from '../twilio/twilio-payload';
import type { WebhookRequest } from '../webhook-vendor';
import { TWILIO_VOICE_VENDOR_NAME } from './twilio-voice.constants';

/** Twilio SIDs: two letters and 32 hex digits; only a bounded token is required, as for SMS. */
const SID_SHAPE = /^[A-Za-z0-9]{10,64}$/;
const HTTP_URL = /^https?:\/\/\S+$/i;
const DURATION = /^\d{1,6}$/;

type Params = Readonly<Record<string, string>>;

function sid(params: Params, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') {
    throw new MalformedPayloadError(`${name} missing`, { field: name });
  }
  if (!SID_SHAPE.test(value)) {
    throw new UnprocessablePayloadError(`${name} is not a Twilio SID`, { field: name });
  }
  return value;
}

function voicemailText(params: Params, from: string, recordingUrl: string): string {
  const transcription = params.TranscriptionText?.trim();
  if (transcription) return transcription;
  const duration = DURATION.test(params.RecordingDuration ?? '')
    ? ` (${params.RecordingDuration} s)`
    : '';
  const why =
    params.TranscriptionStatus === 'failed' ? 'the transcription failed' : 'no transcription';
  return `Voicemail left by ${from}${duration}, ${why}; recording: ${recordingUrl}`;
}

/**
 * A Twilio Voice recording callback as one `voicemail` message: the `transcribeCallback` of a
 * `<Record>` (TranscriptionText) or its `action` callback (RecordingUrl only). Both carry the
 * recording's RecordingSid, the message id, so one voicemail opens one incident whichever
 * arrives first. Call events without a recording (a call that left no message) are control
 * events: acknowledged, nothing stored.
 */
export function parseTwilioVoicePayload(
  request: Pick<WebhookRequest, 'rawBody' | 'receivedAt'>,
): InboundMessage[] {
  const params = decodeSingleValuedForm(request.rawBody);
  if (params.RecordingSid === undefined && params.RecordingUrl === undefined) {
    sid(params, 'CallSid');
    return [];
  }
  const messageId = sid(params, 'RecordingSid');
  sid(params, 'CallSid');
  const recordingUrl = params.RecordingUrl;
  if (recordingUrl === undefined || !HTTP_URL.test(recordingUrl)) {
    throw new UnprocessablePayloadError('RecordingUrl is not an http(s) URL', {
      field: 'RecordingUrl',
    });
  }
  const fromRaw = params.From;
  if (fromRaw === undefined || fromRaw === '') {
    throw new UnprocessablePayloadError('From missing', { field: 'From' });
  }
  const from = twilioAddressToE164(fromRaw);
  if (from === undefined) {
    throw new UnprocessablePayloadError('From is not a valid phone number', { field: 'From' });
  }
  const toRaw = params.To;
  if (toRaw === undefined || toRaw === '') {
    throw new MalformedPayloadError('To missing', { field: 'To' });
  }
  return [
    {
      vendor: TWILIO_VOICE_VENDOR_NAME,
      messageId,
      kind: 'voicemail',
      from,
      to: twilioAddressToE164(toRaw) ?? toRaw,
      text: voicemailText(params, from, recordingUrl),
      media: [{ url: recordingUrl }],
      receivedAt: request.receivedAt.toISOString(),
      raw: params,
    },
  ];
}
