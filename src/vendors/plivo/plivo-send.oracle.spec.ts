import type { Agent } from 'node:https';
import axios from 'axios';
import { plainToInstance } from 'class-transformer';
import { Client } from 'plivo';
import { standInAgent, startSendTestRig, type SendTestRig } from '../kit/fixtures/send-test-http';
import { SendRefusedError, type OutboundSms } from '../kit/send';
import { STAND_IN_REFUSED_NUMBER } from '../kit/send-stand-in';
import type { RecordedRequest } from '../kit/send-stand-in.server';
import {
  PLIVO_API_HOST,
  PLIVO_TEST_AUTH_ID,
  plivoSendStandIn,
} from './fixtures/plivo-send.stand-in';
import { PLIVO_TEST_AUTH_TOKEN } from './fixtures/signed-plivo-request';
import { plivoSender } from './plivo-send';
import { PlivoSettings } from './plivo.settings';

/**
 * The official `plivo` SDK (a devDependency) as an independent oracle for the send request. It
 * always calls https://api.plivo.com through the shared axios instance, whose default https
 * agent it sets itself; the spec swaps that agent for one pinned to the stand-in server (real
 * TLS, test CA). The stand-in must accept the SDK's request, and ours must carry the same
 * method, path, Basic credentials, media type and fields.
 */
const settings = plainToInstance(
  PlivoSettings,
  { authToken: PLIVO_TEST_AUTH_TOKEN, authId: PLIVO_TEST_AUTH_ID },
  { exposeDefaultValues: true },
);
const sms: OutboundSms = {
  from: '+12015550123',
  to: '+14155550100',
  text: 'Your replacement ships today: ünïcødé ✓',
  reference: 'b2c-thread-1234',
};

/** What a send rejected with, or undefined when it resolved. */
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as Error,
  );

const shape = (request: RecordedRequest) => ({
  host: request.host,
  method: request.method,
  path: request.path,
  query: request.query,
  authorization: request.headers.authorization,
  mediaType: String(request.headers['content-type']).split(';')[0].trim().toLowerCase(),
});

describe('plivo SDK as oracle for the sender', () => {
  let rig: SendTestRig;
  let agent: Agent;
  const sdkAgent: unknown = axios.defaults.httpsAgent;

  beforeAll(async () => {
    rig = await startSendTestRig(plivoSendStandIn());
    agent = standInAgent(rig.server);
    // `new Client()` loads the SDK's axios module, which sets its agent: replace it after.
    new Client(PLIVO_TEST_AUTH_ID, PLIVO_TEST_AUTH_TOKEN);
    axios.defaults.httpsAgent = agent;
  });
  afterAll(async () => {
    axios.defaults.httpsAgent = sdkAgent;
    agent?.destroy();
    await rig?.close();
  });
  beforeEach(() => rig.server.clear());

  it('the stand-in accepts messages.create, and ours has the same request', async () => {
    const client = new Client(PLIVO_TEST_AUTH_ID, PLIVO_TEST_AUTH_TOKEN);
    const answer = await client.messages.create(sms.from, sms.to, sms.text, { type: 'sms' });
    const receipt = await plivoSender.send(sms, settings, rig.http);

    const [theirs, ours] = rig.server.requests();
    expect([theirs.outcome, ours.outcome]).toEqual(['sent', 'sent']);
    expect(rig.sent().map((sent) => sent.vendorMessageId)).toEqual([
      answer.messageUuid[0],
      receipt.vendorMessageId,
    ]);
    expect(shape(theirs).host).toBe(PLIVO_API_HOST);
    expect(shape(ours)).toEqual(shape(theirs));
    // The SDK passes the numbers as given (Plivo takes them with or without '+'); ours drop it.
    const fields = (request: RecordedRequest) => {
      const body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
      return {
        ...body,
        src: String(body.src).replace(/^\+/, ''),
        dst: String(body.dst).replace(/^\+/, ''),
      };
    };
    expect(fields(ours)).toEqual(fields(theirs));
    expect(rig.sent().map(({ from, to, text }) => ({ from, to, text }))).toEqual([
      { from: sms.from, to: sms.to, text: sms.text },
      { from: sms.from, to: sms.to, text: sms.text },
    ]);
  });

  it('the SDK and our sender both see the invalid-number refusal', async () => {
    const client = new Client(PLIVO_TEST_AUTH_ID, PLIVO_TEST_AUTH_TOKEN);
    const theirs = await failure(client.messages.create(sms.from, STAND_IN_REFUSED_NUMBER, 'x'));
    const ours = await failure(
      plivoSender.send({ ...sms, to: STAND_IN_REFUSED_NUMBER }, settings, rig.http),
    );
    expect(ours).toBeInstanceOf(SendRefusedError);
    expect((ours as SendRefusedError).detail).toMatchObject({
      status: 400,
      reason: 'invalid dst parameter',
    });
    // The SDK rejects with Plivo's `error` text as the message: the same reason ours records.
    expect(theirs).toBeInstanceOf(Error);
    expect(theirs?.message).toBe((ours as SendRefusedError).detail.reason);
  });
});
