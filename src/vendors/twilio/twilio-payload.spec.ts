import { assertValidMessages } from '../../messages/inbound-message.validation';
import {
  GatewayError,
  MalformedPayloadError,
  ProblemCode,
  UnprocessablePayloadError,
} from '../../common/problem/gateway-error';
import {
  CUSTOMER_NUMBER,
  encodeTwilioForm,
  INBOUND_MMS_SID,
  INBOUND_SMS_SID,
  OUTBOUND_SID,
  TWILIO_NUMBER,
  twilioInboundMms,
  twilioInboundSms,
  twilioInboundWhatsApp,
  twilioSeedMessageJson,
  twilioStatusDelivered,
  twilioStatusFailed,
  twilioStatusSent,
  WHATSAPP_SID,
} from './fixtures';
import { parseTwilioPayload, twilioAddressToE164 } from './twilio-payload';
import type { TwilioParams } from './twilio-signature';
import { thrownBy } from '../kit/fixtures/thrown-by';

/** A copy of `record` without `names`. */
function omit<V>(record: Readonly<Record<string, V>>, ...names: string[]): Record<string, V> {
  return Object.fromEntries(Object.entries(record).filter(([name]) => !names.includes(name)));
}

const receivedAt = new Date('2025-05-01T12:34:56.789Z');

function form(params: TwilioParams) {
  return {
    rawBody: Buffer.from(encodeTwilioForm(params)),
    contentType: 'application/x-www-form-urlencoded',
    receivedAt,
  };
}

function json(body: string | Buffer | Readonly<Record<string, unknown>>) {
  const rawBody = Buffer.isBuffer(body)
    ? body
    : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return { rawBody, contentType: 'application/json', receivedAt };
}

function parseOne(request: Parameters<typeof parseTwilioPayload>[0]) {
  const messages = parseTwilioPayload(request);
  expect(messages).toHaveLength(1);
  return messages[0];
}

function failure(request: Parameters<typeof parseTwilioPayload>[0]): GatewayError {
  return thrownBy(() => parseTwilioPayload(request), GatewayError);
}

describe('parseTwilioPayload: form webhooks', () => {
  it('turns an inbound SMS into one sms message', () => {
    expect(parseTwilioPayload(form(twilioInboundSms))).toEqual([
      {
        vendor: 'twilio',
        messageId: INBOUND_SMS_SID,
        kind: 'sms',
        from: '+14158675309',
        to: '+14155552671',
        text: 'My order #1042 never arrived. Can someone call me back? Thanks!',
        media: [],
        receivedAt: '2025-05-01T12:34:56.789Z',
        raw: { ...twilioInboundSms },
      },
    ]);
  });

  it('keeps the geographic fields in raw', () => {
    const raw = parseOne(form(twilioInboundSms)).raw as Record<string, unknown>;
    expect(raw.FromCity).toBe('SAN FRANCISCO');
    expect(raw.FromZip).toBe('94103');
    expect(raw.ToState).toBe('CA');
  });

  it('turns an MMS into an mms message with its media in index order', () => {
    const message = parseOne(form(twilioInboundMms));
    expect(message.kind).toBe('mms');
    expect(message.messageId).toBe(INBOUND_MMS_SID);
    expect(message.media).toEqual([
      { url: twilioInboundMms.MediaUrl0, contentType: 'image/jpeg' },
      { url: twilioInboundMms.MediaUrl1, contentType: 'application/pdf' },
    ]);
    expect(message.text).toBe('Photo of the damaged parcel and the receipt');
  });

  it('orders media numerically, not as text, and allows a missing content type', () => {
    const params: [string, string][] = [
      ['MessageSid', INBOUND_MMS_SID],
      ['From', CUSTOMER_NUMBER],
      ['To', TWILIO_NUMBER],
      ['NumMedia', '11'],
      ['MediaUrl10', 'https://m.example/10'],
      ['MediaUrl2', 'https://m.example/2'],
      ['MediaContentType2', 'image/png'],
    ];
    expect(parseOne(form(params)).media).toEqual([
      { url: 'https://m.example/2', contentType: 'image/png' },
      { url: 'https://m.example/10' },
    ]);
  });

  it('is an mms when NumMedia > 0 even without media URLs', () => {
    const withoutUrls = omit(twilioInboundMms, 'MediaUrl0', 'MediaUrl1');
    const message = parseOne(form(withoutUrls));
    expect(message.kind).toBe('mms');
    expect(message.media).toEqual([]);
  });

  it('gives each status of one message its own id', () => {
    const messages = [twilioStatusSent, twilioStatusDelivered, twilioStatusFailed].map((p) =>
      parseOne(form(p)),
    );
    expect(messages.map((m) => m.kind)).toEqual(['status', 'status', 'status']);
    expect(messages.map((m) => m.messageId)).toEqual([
      `${OUTBOUND_SID}:sent`,
      `${OUTBOUND_SID}:delivered`,
      `${OUTBOUND_SID}:failed`,
    ]);
    expect(messages[0].from).toBe(TWILIO_NUMBER);
    expect(messages[0].to).toBe(CUSTOMER_NUMBER);
    expect(messages[0].text).toBe('');
    expect((messages[2].raw as Record<string, unknown>).ErrorCode).toBe('30003');
  });

  it('reads SmsStatus when MessageStatus is absent, and MessageStatus first', () => {
    const legacy = omit(twilioStatusDelivered, 'MessageStatus');
    expect(parseOne(form(legacy)).messageId).toBe(`${OUTBOUND_SID}:delivered`);
    const both = { ...twilioStatusDelivered, SmsStatus: 'sent' };
    expect(parseOne(form(both)).messageId).toBe(`${OUTBOUND_SID}:delivered`);
  });

  it('treats status "received" as an inbound message, not a status callback', () => {
    const message = parseOne(form({ ...twilioInboundSms, MessageStatus: 'received' }));
    expect(message.kind).toBe('sms');
    expect(message.messageId).toBe(INBOUND_SMS_SID);
  });

  it('strips the whatsapp: prefix from both addresses', () => {
    const message = parseOne(form(twilioInboundWhatsApp));
    expect(message.messageId).toBe(WHATSAPP_SID);
    expect(message.from).toBe('+14158675309');
    expect(message.to).toBe('+14155238886');
    expect(message.text).toBe('Olá! Preciso de ajuda com a minha fatura 🙏');
  });

  it('keeps a recipient that is no phone number as sent', () => {
    expect(parseOne(form({ ...twilioInboundSms, To: '12345' })).to).toBe('12345');
    expect(parseOne(form({ ...twilioInboundSms, To: '+15558675310' })).to).toBe('+15558675310');
    expect(parseOne(form({ ...twilioInboundSms, To: 'messenger:1029384756' })).to).toBe(
      'messenger:1029384756',
    );
  });

  it('allows an empty or missing Body', () => {
    expect(parseOne(form({ ...twilioInboundSms, Body: '' })).text).toBe('');
    const noBody = omit(twilioInboundSms, 'Body');
    expect(parseOne(form(noBody)).text).toBe('');
  });

  it('falls back to SmsMessageSid/SmsSid when MessageSid is absent', () => {
    const legacy = omit(twilioInboundSms, 'MessageSid');
    expect(parseOne(form(legacy)).messageId).toBe(INBOUND_SMS_SID);
  });

  it.each([
    ['letters', 'NotANumber'],
    ['a number too short', '+1555'],
    ['a number in an impossible range', '+15558675310'],
    ['text around a number', 'call +14158675309 now'],
    ['no country code', '4158675309'],
    ['an alphanumeric sender id', 'ACME'],
  ])('refuses a sender that is %s with 422 naming From', (_label, from) => {
    const error = failure(form({ ...twilioInboundSms, From: from }));
    expect(error).toBeInstanceOf(UnprocessablePayloadError);
    expect(error.extensions).toEqual({ field: 'From' });
    expect(error.message).toContain('From');
  });

  it('keeps an alphanumeric sender id of a status callback as sent, but refuses it on a message', () => {
    const status = parseOne(form({ ...twilioStatusDelivered, From: 'ACME' }));
    expect(status).toMatchObject({ kind: 'status', from: 'ACME' });
    expect(() => assertValidMessages('twilio', [status])).not.toThrow();
    const error = failure(form({ ...twilioInboundSms, From: 'ACME' }));
    expect(error).toBeInstanceOf(UnprocessablePayloadError);
    expect(() => assertValidMessages('twilio', [{ ...status, kind: 'sms' }])).toThrow(
      /from must be an E\.164 phone number/,
    );
  });

  it('refuses a missing or empty sender with 422 naming From', () => {
    const noFrom = omit(twilioInboundSms, 'From');
    for (const params of [noFrom, { ...twilioInboundSms, From: '' }]) {
      const error = failure(form(params));
      expect(error).toBeInstanceOf(UnprocessablePayloadError);
      expect(error.extensions).toEqual({ field: 'From' });
    }
  });

  it('refuses a payload without any message SID with 400 naming MessageSid', () => {
    const noSid = omit(twilioInboundSms, 'MessageSid', 'SmsSid', 'SmsMessageSid');
    for (const params of [noSid, { ...noSid, MessageSid: '' }]) {
      const error = failure(form(params));
      expect(error).toBeInstanceOf(MalformedPayloadError);
      expect(error.message).toBe('MessageSid missing');
      expect(error.extensions).toEqual({ field: 'MessageSid' });
    }
  });

  it.each([['SM-123'], ['SM 1234567890'], ['short'], ['SM' + 'a'.repeat(70)], ['SM12345678\n90']])(
    'refuses a MessageSid that is no Twilio SID (%j) with 422',
    (sid) => {
      const error = failure(form({ ...twilioInboundSms, MessageSid: sid }));
      expect(error).toBeInstanceOf(UnprocessablePayloadError);
      expect(error.extensions).toEqual({ field: 'MessageSid' });
    },
  );

  it('refuses a missing recipient with 400 naming To', () => {
    const noTo = omit(twilioInboundSms, 'To');
    const error = failure(form(noTo));
    expect(error).toBeInstanceOf(MalformedPayloadError);
    expect(error.extensions).toEqual({ field: 'To' });
  });

  it('refuses a repeated sender or SID instead of guessing', () => {
    const repeatedFrom = [...Object.entries(twilioInboundSms), ['From', '+14155550100']] as [
      string,
      string,
    ][];
    const error = failure(form(repeatedFrom));
    expect(error).toBeInstanceOf(MalformedPayloadError);
    expect(error.message).toBe('From appears more than once');
    const repeatedSid = [...Object.entries(twilioInboundSms), ['MessageSid', OUTBOUND_SID]] as [
      string,
      string,
    ][];
    expect(failure(form(repeatedSid))).toBeInstanceOf(MalformedPayloadError);
  });

  it('keeps other repeated parameters as arrays in raw', () => {
    const params = [...Object.entries(twilioInboundSms), ['Tag', 'a'], ['Tag', 'b']] as [
      string,
      string,
    ][];
    expect((parseOne(form(params)).raw as Record<string, unknown>).Tag).toEqual(['a', 'b']);
  });

  it('refuses a NumMedia that is no count, and a media URL that is no http(s) URL', () => {
    const badCount = failure(form({ ...twilioInboundMms, NumMedia: 'two' }));
    expect(badCount).toBeInstanceOf(UnprocessablePayloadError);
    expect(badCount.extensions).toEqual({ field: 'NumMedia' });
    const badUrl = failure(form({ ...twilioInboundMms, MediaUrl1: 'javascript:alert(1)' }));
    expect(badUrl).toBeInstanceOf(UnprocessablePayloadError);
    expect(badUrl.extensions).toEqual({ field: 'MediaUrl1' });
  });

  it('refuses a status that is not a Twilio status word', () => {
    const error = failure(form({ ...twilioStatusSent, MessageStatus: 'sent:evil' }));
    expect(error).toBeInstanceOf(UnprocessablePayloadError);
    expect(error.extensions).toEqual({ field: 'MessageStatus' });
  });

  it('refuses bodies that are not valid form encoding or UTF-8 with 400', () => {
    const broken = [
      Buffer.from(`MessageSid=${INBOUND_SMS_SID}&From=%2B14158675309&To=%2B14155552671&Body=100%`),
      Buffer.from(`MessageSid=${INBOUND_SMS_SID}&From=%2B14158675309&To=x&Body=%C3%28`),
      Buffer.concat([Buffer.from(`MessageSid=${INBOUND_SMS_SID}&Body=`), Buffer.from([0xff])]),
    ];
    for (const rawBody of broken) {
      const error = failure({ ...form([]), rawBody });
      expect(error).toBeInstanceOf(MalformedPayloadError);
    }
  });

  it('refuses an empty form body with 400', () => {
    expect(failure(form([]))).toBeInstanceOf(MalformedPayloadError);
  });
});

describe('parseTwilioPayload: JSON bodies', () => {
  it('reads the seed guide payload (Message resource names) as an inbound sms', () => {
    expect(parseTwilioPayload(json(twilioSeedMessageJson))).toEqual([
      {
        vendor: 'twilio',
        messageId: 'SM5f4e3d2c1b0a99887766554433221100',
        kind: 'sms',
        from: '+15017122661',
        to: '+15558675310',
        text: 'McAvoy or Stewart? These timelines can get so confusing.',
        media: [],
        receivedAt: '2025-05-01T12:34:56.789Z',
        raw: { ...twilioSeedMessageJson },
      },
    ]);
  });

  it('reads webhook field names in JSON, numbers included', () => {
    const message = parseOne(
      json({
        MessageSid: INBOUND_MMS_SID,
        From: 'whatsapp:+14158675309',
        To: TWILIO_NUMBER,
        Body: 'see photo',
        NumMedia: 1,
        MediaUrl0: 'https://m.example/0',
        MediaContentType0: 'image/jpeg',
      }),
    );
    expect(message).toMatchObject({
      messageId: INBOUND_MMS_SID,
      kind: 'mms',
      from: '+14158675309',
      to: TWILIO_NUMBER,
      text: 'see photo',
      media: [{ url: 'https://m.example/0', contentType: 'image/jpeg' }],
    });
  });

  it('reads a JSON status callback', () => {
    const message = parseOne(json({ ...twilioStatusFailed }));
    expect(message.kind).toBe('status');
    expect(message.messageId).toBe(`${OUTBOUND_SID}:failed`);
  });

  it('treats null fields as absent', () => {
    const message = parseOne(json({ ...twilioSeedMessageJson, body: null }));
    expect(message.text).toBe('');
  });

  it('refuses a sender that is not a string with 422', () => {
    for (const from of [{ number: CUSTOMER_NUMBER }, [CUSTOMER_NUMBER], true]) {
      const error = failure(json({ ...twilioSeedMessageJson, from }));
      expect(error).toBeInstanceOf(UnprocessablePayloadError);
      expect(error.extensions).toEqual({ field: 'From' });
    }
  });

  it('refuses the seed payload without its sid with 400 naming MessageSid', () => {
    const noSid = omit(twilioSeedMessageJson, 'sid');
    const error = failure(json(noSid));
    expect(error).toBeInstanceOf(MalformedPayloadError);
    expect(error.extensions).toEqual({ field: 'MessageSid' });
  });

  it.each([
    ['invalid JSON', '{"sid": ', 'body is not valid JSON'],
    ['an empty body', '', 'body is not valid JSON'],
    ['an array', '[{"sid": "SM5f4e3d2c1b0a99887766554433221100"}]', 'JSON body must be an object'],
    ['null', 'null', 'JSON body must be an object'],
    ['a string', '"SM5f4e3d2c1b0a99887766554433221100"', 'JSON body must be an object'],
    ['a number', '42', 'JSON body must be an object'],
  ])('refuses %s with 400', (_label, body, message) => {
    const error = failure(json(body));
    expect(error).toBeInstanceOf(MalformedPayloadError);
    expect(error.message).toBe(message);
  });

  it('refuses JSON that is not valid UTF-8 with 400', () => {
    const body = Buffer.concat([
      Buffer.from('{"body": "'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    const error = failure(json(body));
    expect(error).toBeInstanceOf(MalformedPayloadError);
    expect(error.message).toBe('JSON body is not valid UTF-8');
  });
});

describe('parseTwilioPayload: other media types', () => {
  it('refuses them as unsupported', () => {
    const error = failure({ ...form(twilioInboundSms), contentType: 'text/plain' });
    expect(error.code).toBe(ProblemCode.UnsupportedMediaType);
  });
});

describe('twilioAddressToE164', () => {
  it.each([
    ['+14158675309', '+14158675309'],
    ['whatsapp:+14158675309', '+14158675309'],
    ['+1 (415) 867-5309', '+14158675309'],
    ['+44 20 7946 0958', '+442079460958'],
    ['+4915123456789', '+4915123456789'],
    ['+15558675310', undefined],
    ['14158675309', undefined],
    ['+1415867530912345', undefined],
    ['tel:+1-415-867-5309;ext=1', undefined],
    ['', undefined],
  ])('%j → %j', (input, expected) => {
    expect(twilioAddressToE164(input)).toBe(expected);
  });
});
