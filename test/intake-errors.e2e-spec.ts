import { decodeReferenceId } from '../src/common/problem/reference-id';
import { INBOX_STORE, type InboxStore } from '../src/inbox/inbox-store.port';
import { signedTwilioRequest, TWILIO_TEST_AUTH_TOKEN } from '../src/vendors/twilio/fixtures';
import { TEST_PUBLIC_BASE_URL } from './support/gateway-env';
import { TEST_STORAGE_DRIVER } from './support/test-storage';
import { whileDiskRefusesWrites } from './support/sqlite-disk-fault';
import {
  nextSid,
  postSigned,
  smsParams,
  startGatewayWithEmulator,
  WEBHOOK_PATH,
  type GatewayWithEmulator,
} from './support/gateway-fixture';

/** Refusal reason codes by status, as README's reference table lists them. */
const REASON_BY_STATUS: Record<number, number[]> = {
  400: [201, 202],
  401: [203],
  404: [205, 206],
  413: [207],
  415: [208],
  422: [209],
  503: [211],
};

let gw: GatewayWithEmulator;

/**
 * Every refusal is problem+json with a reference id whose reason fits the status, and the
 * gateway logged the refusal under that id.
 */
async function problem(response: Response): Promise<Record<string, unknown>> {
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await response.json()) as Record<string, unknown>;
  const decoded = decodeReferenceId(String(body.referenceId));
  expect(decoded).toBeDefined();
  expect(REASON_BY_STATUS[response.status]).toContain(decoded!.reason);
  expect(Math.abs(decoded!.at * 1000 - Date.now())).toBeLessThan(60_000);
  const logged = gw.logs.find((line) => line.referenceId === body.referenceId);
  expect(logged).toMatchObject({ requestId: body.requestId, status: response.status });
  return body;
}

/** Bad input gets a clear 4xx problem document; the store failing gets 503; never a 500. */
describe('intake refusals', () => {
  beforeAll(async () => {
    gw = await startGatewayWithEmulator({ BODY_LIMIT_BYTES: '4096', WORKER_ENABLED: 'false' });
  });
  afterAll(async () => {
    await gw.stop();
  });

  const store = () => gw.app.get<InboxStore>(INBOX_STORE);

  it('answers 404 for a vendor that is not enabled', async () => {
    const response = await fetch(`${gw.url}/vendors/vonage/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(404);
    expect(await problem(response)).toMatchObject({
      type: 'urn:b2c-webhook-gateway:problem:unknown-vendor',
      detail: "no enabled vendor is called 'vonage'",
    });
  });

  it('answers 404 problem+json for an unknown route', async () => {
    const response = await fetch(`${gw.url}/nowhere`);
    expect(response.status).toBe(404);
    expect(await problem(response)).toMatchObject({
      type: 'urn:b2c-webhook-gateway:problem:not-found',
    });
  });

  it('answers 415 for a media type the vendor does not send', async () => {
    for (const contentType of ['text/plain', 'application/xml', undefined]) {
      const response = await fetch(gw.url + WEBHOOK_PATH, {
        method: 'POST',
        headers: contentType ? { 'content-type': contentType } : {},
        body: 'From=%2B14155552671',
      });
      expect(response.status).toBe(415);
      expect(await problem(response)).toMatchObject({
        type: 'urn:b2c-webhook-gateway:problem:unsupported-media-type',
      });
    }
  });

  it('answers 415 for a correctly signed body in a content coding it does not decode', async () => {
    const messageSid = nextSid();
    for (const coding of ['gzip', 'identity, br']) {
      const response = await postSigned(gw.url, smsParams(messageSid), {
        mutate: (request) => {
          request.headers['content-encoding'] = coding;
        },
      });
      expect(response.status).toBe(415);
      expect(response.headers.get('accept-encoding')).toBe('identity');
      expect(await problem(response)).toMatchObject({
        type: 'urn:b2c-webhook-gateway:problem:unsupported-media-type',
        detail: expect.stringContaining('Content-Encoding') as string,
      });
    }
    expect(await store().get('twilio', messageSid)).toBeUndefined();
    // The same webhook declared as identity is the plain body, and is kept.
    const accepted = await postSigned(gw.url, smsParams(messageSid), {
      mutate: (request) => {
        request.headers['content-encoding'] = 'identity';
      },
    });
    expect(accepted.status).toBe(200);
    expect(await store().get('twilio', messageSid)).toBeDefined();
  });

  it('answers 413 for a body over the limit, before verifying anything', async () => {
    const response = await postSigned(gw.url, smsParams(nextSid(), { Body: 'x'.repeat(5000) }));
    expect(response.status).toBe(413);
    expect(await problem(response)).toMatchObject({
      type: 'urn:b2c-webhook-gateway:problem:payload-too-large',
    });
  });

  it('answers 400 for a correctly signed payload without a MessageSid', async () => {
    const params = smsParams('unused');
    delete (params as Partial<typeof params>).MessageSid;
    delete (params as Partial<typeof params>).SmsMessageSid;
    const response = await postSigned(gw.url, params);
    expect(response.status).toBe(400);
    expect(await problem(response)).toMatchObject({
      type: 'urn:b2c-webhook-gateway:problem:malformed-payload',
      detail: expect.stringContaining('MessageSid') as string,
    });
  });

  it('answers 400 for signed JSON that is not JSON', async () => {
    const signed = signedTwilioRequest({
      authToken: TWILIO_TEST_AUTH_TOKEN,
      url: TEST_PUBLIC_BASE_URL + WEBHOOK_PATH,
      json: '{"MessageSid": ',
    });
    const response = await fetch(gw.url + signed.path, {
      method: 'POST',
      headers: signed.headers,
      body: signed.body,
    });
    expect(response.status).toBe(400);
    expect(await problem(response)).toMatchObject({
      type: 'urn:b2c-webhook-gateway:problem:malformed-payload',
    });
  });

  it('answers 422 naming the field when the sender is no phone number', async () => {
    const messageSid = nextSid();
    const response = await postSigned(gw.url, smsParams(messageSid, { From: 'ACME' }));
    expect(response.status).toBe(422);
    expect(await problem(response)).toMatchObject({
      type: 'urn:b2c-webhook-gateway:problem:unprocessable-payload',
      detail: expect.stringContaining('From') as string,
    });
    expect(await store().get('twilio', messageSid)).toBeUndefined();
  });

  it('accepts the signed JSON variant (bodySHA256) with the same reply', async () => {
    const messageSid = nextSid();
    const signed = signedTwilioRequest({
      authToken: TWILIO_TEST_AUTH_TOKEN,
      url: TEST_PUBLIC_BASE_URL + WEBHOOK_PATH,
      json: { MessageSid: messageSid, From: '+14155552671', To: '+14155550100', Body: 'json body' },
    });
    const response = await fetch(gw.url + signed.path, {
      method: 'POST',
      headers: signed.headers,
      body: signed.body,
    });
    expect(response.status).toBe(200);
    expect((await store().get('twilio', messageSid))?.message.text).toBe('json body');
  });

  it('reports health: live always, ready with the store and worker', async () => {
    const live = await fetch(`${gw.url}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${gw.url}/health/ready`);
    expect(ready.status).toBe(200);
    // Anonymous callers get the status only (details are for admins: test/readiness).
    expect(await ready.json()).toEqual({ status: 'ok' });
  });

  // A read-only SQLite connection stands for the failing disk; on PostgreSQL the same promise is
  // tested with the database taken away (test/postgres-outage.e2e-spec.ts).
  const onSqlite = TEST_STORAGE_DRIVER === 'sqlite' ? it : it.skip;
  onSqlite(
    'answers 503 with Retry-After, never 200, when the store cannot commit, and recovers',
    async () => {
      await whileDiskRefusesWrites(store(), async () => {
        const messageSid = nextSid();
        const response = await postSigned(gw.url, smsParams(messageSid));
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toBe('5');
        expect(await problem(response)).toMatchObject({
          type: 'urn:b2c-webhook-gateway:problem:store-unavailable',
        });
        const ready = await fetch(`${gw.url}/health/ready`);
        expect(ready.status).toBe(503);
        expect(await ready.json()).toEqual({ status: 'down' });
      });
      const messageSid = nextSid();
      expect((await postSigned(gw.url, smsParams(messageSid))).status).toBe(200);
      expect((await fetch(`${gw.url}/health/ready`)).status).toBe(200);
    },
  );
});
