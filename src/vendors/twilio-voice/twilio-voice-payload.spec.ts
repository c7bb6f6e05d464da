import {
  GatewayError,
  MalformedPayloadError,
  UnprocessablePayloadError,
} from '../../common/problem/gateway-error';
import { assertValidMessages } from '../../messages/inbound-message.validation';
import {
  omit,
  twilioCallCompleted,
  twilioRecordAction,
  twilioTranscription,
  TWILIO_VOICE_RECORDING_SID,
} from './fixtures/twilio-voice-payloads';
import { parseTwilioVoicePayload } from './twilio-voice-payload';
import { thrownBy } from '../kit/fixtures/thrown-by';

const receivedAt = new Date('2025-05-01T12:00:03.000Z');
const form = (params: Readonly<Record<string, string>>, extra = '') => ({
  rawBody: Buffer.from(new URLSearchParams(params).toString() + extra),
  receivedAt,
});

function failure(request: ReturnType<typeof form>): GatewayError {
  return thrownBy(() => parseTwilioVoicePayload(request), GatewayError);
}

describe('parseTwilioVoicePayload', () => {
  it('turns a transcription callback into a voicemail with the text and the recording', () => {
    const params = twilioTranscription(TWILIO_VOICE_RECORDING_SID);
    const messages = parseTwilioVoicePayload(form(params));
    expect(messages).toEqual([
      {
        vendor: 'twilio-voice',
        messageId: TWILIO_VOICE_RECORDING_SID,
        kind: 'voicemail',
        from: '+14158675309',
        to: '+14155552671',
        text: 'Hi, this is Ana about order 1042, it never arrived. Please call me back.',
        media: [{ url: params.RecordingUrl }],
        receivedAt: receivedAt.toISOString(),
        raw: params,
      },
    ]);
    expect(() => assertValidMessages('twilio-voice', messages)).not.toThrow();
  });

  it('says a voicemail was left when there is no transcription, with the same id', () => {
    const action = twilioRecordAction(TWILIO_VOICE_RECORDING_SID);
    const [message] = parseTwilioVoicePayload(form(action));
    expect(message.messageId).toBe(TWILIO_VOICE_RECORDING_SID);
    expect(message.text).toBe(
      `Voicemail left by +14158675309 (14 s), no transcription; recording: ${action.RecordingUrl}`,
    );
    const failed = {
      ...twilioTranscription(TWILIO_VOICE_RECORDING_SID),
      TranscriptionStatus: 'failed',
      TranscriptionText: '',
    };
    expect(parseTwilioVoicePayload(form(failed))[0].text).toMatch(/the transcription failed/);
  });

  it('stores nothing for a call that left no recording', () => {
    expect(parseTwilioVoicePayload(form(twilioCallCompleted()))).toEqual([]);
    expect(failure(form(omit(twilioCallCompleted(), 'CallSid'))).message).toBe('CallSid missing');
  });

  it('names the field of an unusable callback', () => {
    const transcription = twilioTranscription(TWILIO_VOICE_RECORDING_SID);
    const noSid = failure(form(omit(transcription, 'RecordingSid')));
    expect(noSid).toBeInstanceOf(MalformedPayloadError);
    expect(noSid.message).toBe('RecordingSid missing');
    expect(failure(form({ ...transcription, RecordingSid: 'RE 1' })).extensions).toEqual({
      field: 'RecordingSid',
    });
    const anonymous = failure(form({ ...transcription, From: 'anonymous' }));
    expect(anonymous).toBeInstanceOf(UnprocessablePayloadError);
    expect(anonymous.message).toBe('From is not a valid phone number');
    expect(failure(form({ ...transcription, RecordingUrl: 'ftp://x' })).extensions).toEqual({
      field: 'RecordingUrl',
    });
    expect(failure(form(omit(transcription, 'To'))).message).toBe('To missing');
    expect(failure(form(transcription, '&From=%2B14155550100')).message).toBe(
      'From appears more than once',
    );
  });
});
