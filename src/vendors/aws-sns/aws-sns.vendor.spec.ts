import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type {
  OutboundHttp,
  OutboundRequest,
  OutboundResponse,
} from '../../allowlist/outbound/outbound-http.port';
import { OutboundFailedError } from '../../allowlist/outbound/outbound-errors';
import {
  MalformedPayloadError,
  OutboundRefusedError,
  SignatureRejectedError,
  UnprocessablePayloadError,
} from '../../common/problem/gateway-error';
import { toProblem } from '../../common/problem/problem';
import { assertValidMessages } from '../../messages/inbound-message.validation';
import type { VendorServices, WebhookRequest } from '../webhook-vendor';
import { forgetSigningCertificates } from './aws-sns-certificates';
import { AWS_SNS_TOLERANCE_MS } from './aws-sns.constants';
import { AwsSnsSettings } from './aws-sns.settings';
import { AwsSnsVendor } from './aws-sns.vendor';
import {
  notification,
  signDocument,
  type SnsDocument,
  snsRequest,
  subscriptionConfirmation,
  TEST_CERT_URL,
  TEST_TOPIC_ARN,
  twoWaySms,
} from './fixtures/sns-messages';
import { createSigningIdentity } from './fixtures/sns-test-pki';

/**
 * A strict stand-in for the outbound port: answers only the URLs it was given, records every
 * call, and fails the test on any other (a plain Error, which no verifier may turn into a 401).
 */
class StrictHttp implements OutboundHttp {
  readonly calls: string[] = [];
  constructor(private readonly routes: Map<string, () => OutboundResponse | Error>) {}

  request(request: OutboundRequest): Promise<OutboundResponse> {
    this.calls.push(request.url);
    const route = this.routes.get(request.url);
    if (!route) return Promise.reject(new Error(`unexpected outbound call to ${request.url}`));
    const answer = route();
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  }
}

const ok = (body: string): OutboundResponse => ({
  status: 200,
  headers: {},
  body: Buffer.from(body),
});
const status = (code: number): OutboundResponse => ({
  status: code,
  headers: {},
  body: Buffer.alloc(0),
});

const aws = createSigningIdentity();
const impostor = createSigningIdentity();
const vendor = new AwsSnsVendor();
const settings = plainToInstance(AwsSnsSettings, { topicArns: TEST_TOPIC_ARN });

function servicesServing(extra: [string, () => OutboundResponse | Error][] = []) {
  const http = new StrictHttp(new Map([[TEST_CERT_URL, () => ok(aws.certificatePem)], ...extra]));
  const services: VendorServices = { http, sourceListed: false };
  return { http, services };
}

function request(
  document: SnsDocument,
  options: { headers?: Record<string, string | undefined>; receivedAt?: Date; body?: string } = {},
): WebhookRequest {
  const sent = snsRequest(document);
  return {
    vendor: 'aws-sns',
    method: 'POST',
    publicUrl: 'https://gateway.example.com/vendors/aws-sns/webhook',
    query: '',
    rawBody: Buffer.from(options.body ?? sent.body),
    contentType: 'text/plain',
    headers: { ...sent.headers, ...options.headers },
    receivedAt: options.receivedAt ?? new Date(),
  };
}

const signedSms = (id = 'cae173d2-66b9-564c-8309-21f858e9fb84', version: '1' | '2' = '2') =>
  signDocument(notification(twoWaySms(id)), aws.keyPem, version);

beforeEach(() => forgetSigningCertificates());

describe('AwsSnsSettings', () => {
  it('takes topicArns as a comma-separated list and requires at least one valid ARN', () => {
    const two = plainToInstance(AwsSnsSettings, {
      topicArns: `${TEST_TOPIC_ARN}, arn:aws-cn:sns:cn-north-1:123456789012:sms.fifo`,
    });
    expect(validateSync(two)).toEqual([]);
    expect(two.topicArns).toHaveLength(2);
    for (const topicArns of [undefined, '', 'arn:aws:s3:::bucket', 'arn:aws:sns:us-east-1:1:x']) {
      expect(validateSync(plainToInstance(AwsSnsSettings, { topicArns }))).not.toEqual([]);
    }
  });
});

describe('AwsSnsVendor: verification', () => {
  it.each(['1', '2'] as const)(
    'accepts a SignatureVersion %s notification, fetching the certificate once for many',
    async (version) => {
      const { http, services } = servicesServing();
      await expect(
        vendor.verify(request(signedSms('a', version)), settings, services),
      ).resolves.toBeUndefined();
      await vendor.verify(request(signedSms('b', version)), settings, services);
      expect(http.calls).toEqual([TEST_CERT_URL]);
    },
  );

  it.each(['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'])(
    'rejects a notification whose signed %s was changed',
    async (field) => {
      const { services } = servicesServing();
      const signed = signDocument(
        notification(twoWaySms('a'), { subject: 'Inbound SMS', topicArn: TEST_TOPIC_ARN }),
        aws.keyPem,
      );
      const changed: SnsDocument = { ...signed };
      if (field === 'Timestamp') {
        changed.Timestamp = new Date(Date.parse(signed.Timestamp) - 1000).toISOString();
      } else if (field === 'Type') {
        changed.Type = 'UnsubscribeConfirmation';
      } else if (field === 'TopicArn') {
        changed.TopicArn = `${TEST_TOPIC_ARN}-2`;
      } else {
        changed[field] = `${signed[field]} `;
      }
      const settingsForBoth = plainToInstance(AwsSnsSettings, {
        topicArns: [TEST_TOPIC_ARN, `${TEST_TOPIC_ARN}-2`],
      });
      const body = request(changed, { headers: { 'x-amz-sns-message-type': changed.Type } });
      await expect(vendor.verify(body, settingsForBoth, services)).rejects.toThrow(
        SignatureRejectedError,
      );
    },
  );

  it('rejects a notification with a Subject added or removed', async () => {
    const { services } = servicesServing();
    const without = signedSms();
    await expect(
      vendor.verify(request({ ...without, Subject: 'x' }), settings, services),
    ).rejects.toThrow('Signature does not match');
    const withSubject = signDocument(notification(twoWaySms('a'), { subject: 'S' }), aws.keyPem);
    const { Subject: _removed, ...removed } = withSubject;
    expect(_removed).toBe('S');
    await expect(vendor.verify(request(removed), settings, services)).rejects.toThrow(
      'Signature does not match',
    );
  });

  it('rejects a changed signature and a message signed with another key', async () => {
    const { services } = servicesServing();
    const signed = signedSms();
    const flipped = signed.Signature.startsWith('A')
      ? `B${signed.Signature.slice(1)}`
      : `A${signed.Signature.slice(1)}`;
    await expect(
      vendor.verify(request({ ...signed, Signature: flipped }), settings, services),
    ).rejects.toThrow(SignatureRejectedError);
    const forged = signDocument(notification(twoWaySms('a')), impostor.keyPem);
    await expect(vendor.verify(request(forged), settings, services)).rejects.toThrow(
      'Signature does not match',
    );
  });

  it.each([
    'https://sns.us-east-1.amazonaws.com.evil.com/SimpleNotificationService-x.pem',
    'https://evil.com/sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem',
    'http://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem',
    'https://user@sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem',
    'https://sns.us-east-1.amazonaws.com@evil.com/SimpleNotificationService-x.pem',
    'https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-x.pem',
  ])('rejects SigningCertURL %s without any outbound call', async (url) => {
    const { http, services } = servicesServing();
    const signed = signDocument(
      { ...notification(twoWaySms('a')), SigningCertURL: url },
      aws.keyPem,
    );
    await expect(vendor.verify(request(signed), settings, services)).rejects.toThrow(
      /SigningCertURL/,
    );
    expect(http.calls).toEqual([]);
  });

  it('rejects a certificate the allowlist refuses, a 404 and a body that is no certificate', async () => {
    const other = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-x.pem';
    const missing = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-missing.pem';
    const junk = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-junk.pem';
    const { http, services } = servicesServing([
      [other, () => new OutboundRefusedError(other, 'not on the outbound allowlist')],
      [missing, () => status(404)],
      [junk, () => ok('-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n')],
    ]);
    for (const [url, message] of [
      [other, /not on the outbound allowlist/],
      [missing, /answered 404/],
      [junk, /did not return a PEM certificate/],
    ] as const) {
      const signed = signDocument({ ...signedSms(), SigningCertURL: url }, aws.keyPem);
      await expect(vendor.verify(request(signed), settings, services)).rejects.toThrow(message);
    }
    // Failures are not cached: the next message tries again.
    const again = signDocument({ ...signedSms(), SigningCertURL: missing }, aws.keyPem);
    await expect(vendor.verify(request(again), settings, services)).rejects.toThrow(/404/);
    expect(http.calls.filter((url) => url === missing)).toHaveLength(2);
  });

  it('passes on an AWS 5xx or a network failure, so SNS retries', async () => {
    const down = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-down.pem';
    const { services } = servicesServing([[down, () => status(503)]]);
    const signed = signDocument({ ...signedSms(), SigningCertURL: down }, aws.keyPem);
    await expect(vendor.verify(request(signed), settings, services)).rejects.toThrow(
      OutboundFailedError,
    );
  });

  it('rejects a TopicArn that is not configured before fetching anything', async () => {
    const { http, services } = servicesServing();
    const other = signDocument(
      notification(twoWaySms('a'), { topicArn: 'arn:aws:sns:us-east-1:999999999999:spam' }),
      aws.keyPem,
    );
    await expect(vendor.verify(request(other), settings, services)).rejects.toThrow(
      'TopicArn is not one of the configured topicArns',
    );
    expect(http.calls).toEqual([]);
  });

  it('requires x-amz-sns-message-type to name the body Type', async () => {
    const { services } = servicesServing();
    const signed = signedSms();
    for (const header of [undefined, 'SubscriptionConfirmation', 'notification']) {
      await expect(
        vendor.verify(
          request(signed, { headers: { 'x-amz-sns-message-type': header } }),
          settings,
          services,
        ),
      ).rejects.toThrow(/x-amz-sns-message-type/);
    }
  });

  it('rejects a Timestamp outside the tolerance either way, accepts one inside', async () => {
    const { services } = servicesServing();
    const now = Date.now();
    for (const offset of [-AWS_SNS_TOLERANCE_MS - 60_000, AWS_SNS_TOLERANCE_MS + 60_000]) {
      const signed = signDocument(
        notification(twoWaySms('a'), { at: new Date(now + offset) }),
        aws.keyPem,
      );
      await expect(vendor.verify(request(signed), settings, services)).rejects.toThrow(
        /Timestamp is \d+ s away/,
      );
    }
    const hourOld = signDocument(
      notification(twoWaySms('a'), { at: new Date(now - 60 * 60 * 1000) }),
      aws.keyPem,
    );
    await expect(vendor.verify(request(hourOld), settings, services)).resolves.toBeUndefined();
    const loose = signDocument(
      { ...signedSms(), Timestamp: 'Mon, 23 Nov 2026 09:00:00 GMT' },
      aws.keyPem,
    );
    await expect(vendor.verify(request(loose), settings, services)).rejects.toThrow(
      'Timestamp is not an SNS time',
    );
  });

  it('rejects a certificate that is not valid at arrival', async () => {
    const { services } = servicesServing();
    const signed = signedSms();
    const inTwentyYears = new Date(Date.now() + 20 * 365 * 24 * 3600 * 1000);
    const future = signDocument({ ...signed, Timestamp: inTwentyYears.toISOString() }, aws.keyPem);
    await expect(
      vendor.verify(request(future, { receivedAt: inTwentyYears }), settings, services),
    ).rejects.toThrow('the signing certificate is not valid now');
  });

  it.each([
    ['a body that is not JSON', 'Type=Notification', MalformedPayloadError],
    ['a JSON array', '[]', MalformedPayloadError],
    ['invalid UTF-8', '\u00ff', MalformedPayloadError],
    [
      'an unknown Type',
      JSON.stringify({ ...signedSms(), Type: 'Publish' }),
      SignatureRejectedError,
    ],
    [
      'no Signature',
      JSON.stringify({ ...signedSms(), Signature: undefined }),
      SignatureRejectedError,
    ],
    [
      'a numeric MessageId',
      JSON.stringify({ ...signedSms(), MessageId: 7 }),
      SignatureRejectedError,
    ],
    ['a null Subject', JSON.stringify({ ...signedSms(), Subject: null }), SignatureRejectedError],
  ])('refuses %s with a typed error', async (_label, body, type) => {
    const { services } = servicesServing();
    const rawBody = body === '\u00ff' ? Buffer.from([0xff, 0xfe]) : Buffer.from(body);
    const sent = { ...request(signedSms()), rawBody };
    await expect(vendor.verify(sent, settings, services)).rejects.toThrow(type);
  });
});

describe('AwsSnsVendor: messages', () => {
  it('maps a two-way SMS notification to one message keyed by inboundMessageId', async () => {
    const { http, services } = servicesServing();
    const signed = signedSms('cae173d2-66b9-564c-8309-21f858e9fb84');
    const sent = request(signed);
    await vendor.verify(sent, settings, services);
    const messages = await vendor.parse(sent, settings, services);
    expect(messages).toEqual([
      {
        vendor: 'aws-sns',
        messageId: 'cae173d2-66b9-564c-8309-21f858e9fb84',
        kind: 'sms',
        from: '+14255550182',
        to: '+12125550101',
        text: 'EXAMPLE',
        media: [],
        receivedAt: new Date(signed.Timestamp).toISOString(),
        raw: {
          Type: 'Notification',
          MessageId: signed.MessageId,
          TopicArn: TEST_TOPIC_ARN,
          Timestamp: signed.Timestamp,
          Message: twoWaySms('cae173d2-66b9-564c-8309-21f858e9fb84'),
        },
      },
    ]);
    expect(JSON.stringify(messages[0].raw)).not.toContain('Unsubscribe');
    expect(() => assertValidMessages('aws-sns', messages)).not.toThrow();
    expect(http.calls).toEqual([TEST_CERT_URL]);
  });

  it('keeps a short code as the recipient as sent', async () => {
    const { services } = servicesServing();
    const sms = { ...twoWaySms('s'), destinationNumber: '12345' };
    const [message] = await vendor.parse(
      request(signDocument(notification(sms), aws.keyPem)),
      settings,
      services,
    );
    expect(message.to).toBe('12345');
  });

  it.each([
    [
      'inboundMessageId missing',
      { inboundMessageId: undefined },
      MalformedPayloadError,
      'Message.inboundMessageId missing',
    ],
    [
      'originationNumber missing',
      { originationNumber: undefined },
      MalformedPayloadError,
      'Message.originationNumber missing',
    ],
    [
      'a sender that is no number',
      { originationNumber: 'AMAZON' },
      UnprocessablePayloadError,
      'Message.originationNumber is not a valid phone number',
    ],
    [
      'a numeric messageBody',
      { messageBody: 5 },
      MalformedPayloadError,
      'Message.messageBody must be a string',
    ],
  ])('refuses a two-way SMS with %s, naming the field', async (_label, change, type, message) => {
    const { services } = servicesServing();
    const sent = request(signDocument(notification({ ...twoWaySms('x'), ...change }), aws.keyPem));
    await expect(vendor.parse(sent, settings, services)).rejects.toThrow(type);
    await expect(vendor.parse(sent, settings, services)).rejects.toThrow(message);
  });

  it.each([
    ['plain text', 'Hello from another publisher'],
    ['other JSON', JSON.stringify({ eventType: 'TEXT_DELIVERED' })],
    ['a JSON array', '[1,2]'],
  ])('refuses a notification carrying %s with 422', async (_label, message) => {
    const { services } = servicesServing();
    const sent = request(signDocument(notification(message), aws.keyPem));
    await expect(vendor.parse(sent, settings, services)).rejects.toThrow(UnprocessablePayloadError);
  });
});

describe('AwsSnsVendor: subscriptions', () => {
  const confirmation = signDocument(
    subscriptionConfirmation('SubscriptionConfirmation'),
    aws.keyPem,
  );

  it('verifies a SubscriptionConfirmation, then confirms it by one GET of SubscribeURL', async () => {
    const { http, services } = servicesServing([
      [confirmation.SubscribeURL, () => ok('<ConfirmSubscriptionResponse/>')],
    ]);
    const sent = request(confirmation);
    await vendor.verify(sent, settings, services);
    await expect(vendor.parse(sent, settings, services)).resolves.toEqual([]);
    expect(http.calls).toEqual([TEST_CERT_URL, confirmation.SubscribeURL]);
  });

  it('rejects a confirmation whose SubscribeURL or Token was changed', async () => {
    const { http, services } = servicesServing();
    const changes: SnsDocument[] = [
      { SubscribeURL: `${confirmation.SubscribeURL}0` },
      { Token: `${confirmation.Token}0` },
    ];
    for (const change of changes) {
      await expect(
        vendor.verify(request({ ...confirmation, ...change }), settings, services),
      ).rejects.toThrow('Signature does not match');
    }
    expect(http.calls).toEqual([TEST_CERT_URL]);
  });

  it('never visits a SubscribeURL off SNS, even a signed one', async () => {
    const { http, services } = servicesServing();
    const evil = signDocument(
      {
        ...subscriptionConfirmation('SubscriptionConfirmation'),
        SubscribeURL: 'https://sns.us-east-1.amazonaws.com.evil.com/?Action=ConfirmSubscription',
      },
      aws.keyPem,
    );
    await expect(vendor.parse(request(evil), settings, services)).rejects.toThrow(
      SignatureRejectedError,
    );
    expect(http.calls).toEqual([]);
  });

  it('answers a refused confirmation with 422 and passes an AWS 5xx on', async () => {
    const { services } = servicesServing([[confirmation.SubscribeURL, () => status(403)]]);
    await expect(vendor.parse(request(confirmation), settings, services)).rejects.toThrow(
      UnprocessablePayloadError,
    );
    const down = servicesServing([[confirmation.SubscribeURL, () => status(500)]]);
    await expect(vendor.parse(request(confirmation), settings, down.services)).rejects.toThrow(
      OutboundFailedError,
    );
  });

  it('answers a SubscribeURL the outbound allowlist refuses with a 4xx SNS does not retry, and logs the host to list', async () => {
    // As the guard refuses it when only the certificate path is listed (a URL prefix).
    const refusal = new OutboundRefusedError(
      'https://sns.us-east-1.amazonaws.com/',
      'path / is not under a listed URL prefix for sns.us-east-1.amazonaws.com',
    );
    const { services } = servicesServing([[confirmation.SubscribeURL, () => refusal]]);
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const error: unknown = await vendor.parse(request(confirmation), settings, services).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBe(refusal);
      // AWS retries only answers outside 200-499 (and time-outs); this one would never change.
      expect(toProblem(error)).toMatchObject({ status: 403, code: 'outbound-refused' });
      expect(logged).toHaveBeenCalledTimes(1);
      const [line] = logged.mock.calls[0] as [Record<string, unknown>];
      expect(line).toMatchObject({ host: 'sns.us-east-1.amazonaws.com', topicArn: TEST_TOPIC_ARN });
      expect(String(line.msg)).toContain(
        'Add sns.us-east-1.amazonaws.com to ALLOWLIST_OUTBOUND_TARGETS',
      );
    } finally {
      logged.mockRestore();
    }
  });

  it('verifies an UnsubscribeConfirmation and ignores it without any call', async () => {
    const { http, services } = servicesServing();
    const sent = request(
      signDocument(subscriptionConfirmation('UnsubscribeConfirmation'), aws.keyPem),
    );
    await vendor.verify(sent, settings, services);
    await expect(vendor.parse(sent, settings, services)).resolves.toEqual([]);
    expect(http.calls).toEqual([TEST_CERT_URL]);
  });
});
