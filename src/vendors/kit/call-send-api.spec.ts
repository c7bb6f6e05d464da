import { Logger } from '@nestjs/common';
import { OutboundGuard } from '../../allowlist/outbound/outbound-guard';
import { OutboundHttpClient } from '../../allowlist/outbound/outbound-http.client';
import { compileOutboundPolicy } from '../../allowlist/outbound/targets/outbound-policy';
import { OutboundSettings } from '../../allowlist/outbound/targets/outbound.settings';
import { AttemptCalls, inAttemptScope } from '../../inbox/attempt-scope';
import { basicAuthorization, callSendApi, jsonAnswer } from './call-send-api';
import { startSendTestRig, type SendTestRig } from './fixtures/send-test-http';
import { toyStandIn } from './fixtures/toy-send-stand-in';
import { SendDeferredError, SendOutcomeUnknownError, SendRefusedError, sendFailure } from './send';
import { STAND_IN_HANGING_NUMBER, STAND_IN_REFUSED_NUMBER } from './send-stand-in';

const HOST = 'api.toy-sms.test';

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('callSendApi over real HTTPS', () => {
  let rig: SendTestRig;
  const toy = (to: string, timeoutMs?: number) =>
    callSendApi('toy', rig.http, {
      method: 'POST',
      url: `https://${HOST}/send`,
      headers: { 'content-type': 'application/json', authorization: 'Bearer toy-token' },
      body: JSON.stringify({ from: '+15550001111', to, text: 'hello' }),
      timeoutMs,
    });

  beforeAll(async () => {
    rig = await startSendTestRig(toyStandIn('toy', HOST));
  });
  afterAll(() => rig?.close());
  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it("returns the vendor's answer, whatever its status", async () => {
    const accepted = await toy('+15550002222');
    expect(accepted.status).toBe(201);
    expect(jsonAnswer(accepted)).toEqual({ id: rig.sent()[0].vendorMessageId });
    const refused = await toy(STAND_IN_REFUSED_NUMBER);
    expect(refused.status).toBe(400);
    expect(sendFailure('toy', refused)).toBeInstanceOf(SendRefusedError);
  });

  it('records each call in the attempt under way: host and path, never the query or body', async () => {
    const calls = new AttemptCalls();
    await inAttemptScope(calls, async () => {
      await toy('+15550003333');
      await callSendApi('toy', rig.http, {
        method: 'POST',
        url: `https://${HOST}/send?to=%2B15550003333&key=secret`,
        body: '{}',
      }).catch(() => undefined);
      await failureOf(toy(STAND_IN_HANGING_NUMBER, 200));
    });
    expect(calls.calls).toEqual([
      {
        method: 'POST',
        path: `${HOST}/send`,
        startedAt: expect.any(Number),
        durationMs: expect.any(Number),
        status: 201,
      },
      expect.objectContaining({ method: 'POST', path: `${HOST}/send`, status: expect.any(Number) }),
      // No answer: no status.
      {
        method: 'POST',
        path: `${HOST}/send`,
        startedAt: expect.any(Number),
        durationMs: expect.any(Number),
      },
    ]);
    expect(calls.calls[2].durationMs).toBeGreaterThanOrEqual(150);
    // Outside an attempt, nothing is collected anywhere.
    await toy('+15550004444');
    expect(calls.calls).toHaveLength(3);
  });

  it('a timeout is an unknown outcome', async () => {
    const error = await failureOf(toy(STAND_IN_HANGING_NUMBER, 200));
    expect(error).toBeInstanceOf(SendOutcomeUnknownError);
    expect(error.message).toBe(
      'toy send API did not answer within 200 ms; the message may have been sent',
    );
  });

  it('a target off the allowlist is deferred, with a message naming the setting to check', async () => {
    const error = await failureOf(
      callSendApi('toy', rig.http, { url: 'https://api.elsewhere.test/send' }),
    );
    expect(error).toBeInstanceOf(SendDeferredError);
    expect(error.message).toMatch(
      /^toy send API not called: host api\.elsewhere\.test is not on the outbound allowlist.*vendors\.toy\.apiBaseUrl/,
    );
  });

  it('connection refused or no such host is deferred: nothing was sent', async () => {
    const settings = Object.assign(new OutboundSettings(), {
      targets: ['closed.toy-sms.test', 'nowhere.invalid'],
      // Nothing listens on this loopback address.
      hostAddresses: { 'closed.toy-sms.test': '127.254.254.254' },
    });
    const http = new OutboundHttpClient(new OutboundGuard(compileOutboundPolicy(settings, 'test')));
    try {
      const refused = await failureOf(
        callSendApi('toy', http, { url: 'https://closed.toy-sms.test/send' }),
      );
      expect(refused).toBeInstanceOf(SendDeferredError);
      expect(refused.message).toBe('toy send API unreachable (ECONNREFUSED)');
      const unknownHost = await failureOf(
        callSendApi('toy', http, { url: 'https://nowhere.invalid/send' }),
      );
      expect(unknownHost).toBeInstanceOf(SendDeferredError);
      expect(unknownHost.message).toMatch(/^toy send API unreachable \((ENOTFOUND|EAI_AGAIN)\)$/);
    } finally {
      http.onModuleDestroy();
    }
  });
});

// Its own server once the first is closed: one stand-in server per process at a time.
describe('callSendApi when the connection is lost', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('a connection lost after sending is an unknown outcome', async () => {
    const lost = await startSendTestRig(toyStandIn('lost', 'api.lost-sms.test'));
    try {
      const pending = callSendApi('lost', lost.http, {
        method: 'POST',
        url: 'https://api.lost-sms.test/send',
        headers: { authorization: 'Bearer lost-token' },
        body: JSON.stringify({ to: STAND_IN_HANGING_NUMBER }),
      });
      while (lost.server.requests().length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await lost.server.close();
      const error = await failureOf(pending);
      expect(error).toBeInstanceOf(SendOutcomeUnknownError);
      expect(error.message).toMatch(/^lost send API call failed \(\w+\)/);
    } finally {
      await lost.close().catch(() => undefined);
    }
  });
});

describe('send API helpers', () => {
  it('jsonAnswer is undefined for a body that is not JSON', () => {
    expect(jsonAnswer({ status: 502, headers: {}, body: Buffer.from('<html>') })).toBeUndefined();
    expect(jsonAnswer({ status: 200, headers: {}, body: Buffer.from('{"a":1}') })).toEqual({
      a: 1,
    });
  });

  it('basicAuthorization encodes user:password as RFC 7617 says', () => {
    // RFC 7617 section 2's example.
    expect(basicAuthorization('Aladdin', 'open sesame')).toBe('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
  });
});
