import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { Logger } from '@nestjs/common';
import {
  OutboundFailedError,
  OutboundTimeoutError,
} from '../../allowlist/outbound/outbound-errors';
import { loopbackAddress } from './loopback-address';
import { startSendTestRig, type SendTestRig } from './fixtures/send-test-http';
import { toyStandIn } from './fixtures/toy-send-stand-in';
import {
  STAND_IN_HANGING_NUMBER,
  STAND_IN_REFUSED_NUMBER,
  type SendStandIn,
} from './send-stand-in';

const ALPHA = 'api.alpha-sms.test';
const BETA = 'api.beta-sms.test';

function post(rig: SendTestRig, host: string, body: object, token: string, timeoutMs?: number) {
  return rig.http.request({
    method: 'POST',
    url: `https://${host}/send`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
    purpose: 'stand-in-spec',
    timeoutMs,
  });
}

/** A request that names `host` in its Host header over a TLS session for a served name. */
function misdirected(rig: SendTestRig, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      {
        host: rig.server.address,
        port: rig.server.port,
        servername: ALPHA,
        ca: readFileSync(rig.server.caFile),
        method: 'POST',
        path: '/send',
        headers: { host },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    request.on('error', reject);
    request.end('{}');
  });
}

describe('SendStandInServer over real HTTPS', () => {
  let rig: SendTestRig;
  const broken: SendStandIn = {
    vendor: 'broken',
    hosts: ['api.broken-sms.test'],
    env: {},
    handle: () => {
      throw new Error('bug in the stand-in');
    },
  };

  beforeAll(async () => {
    rig = await startSendTestRig(toyStandIn('alpha', ALPHA), toyStandIn('beta', BETA), broken);
  });
  afterAll(() => rig?.close());
  beforeEach(() => {
    rig.server.clear();
    // The guard logs refusals; none are expected, but keep test output quiet.
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it("listens on this process's own loopback address, port 443", () => {
    expect(rig.server.address).toBe(loopbackAddress(process.pid, 1));
    expect(rig.server.port).toBe(443);
    expect(rig.server.hosts().sort()).toEqual([ALPHA, 'api.broken-sms.test', BETA].sort());
  });

  it('chooses the stand-in by Host, records the request and the accepted SMS', async () => {
    const alpha = await post(
      rig,
      ALPHA,
      { from: '+1555', to: '+1666', text: 'hi a' },
      'alpha-token',
    );
    const beta = await post(rig, BETA, { from: '+1777', to: '+1888', text: 'hi b' }, 'beta-token');
    expect(alpha.status).toBe(201);
    expect(alpha.headers['x-toy']).toBe('1');
    expect(alpha.headers['content-type']).toMatch(/^application\/json/);
    const alphaId = (JSON.parse(alpha.body.toString()) as { id: string }).id;
    const betaId = (JSON.parse(beta.body.toString()) as { id: string }).id;
    expect(alphaId).not.toBe(betaId);
    expect(rig.sent()).toEqual([
      { vendor: 'alpha', from: '+1555', to: '+1666', text: 'hi a', vendorMessageId: alphaId },
      { vendor: 'beta', from: '+1777', to: '+1888', text: 'hi b', vendorMessageId: betaId },
    ]);
    const [first, second] = rig.server.requests();
    expect(first).toMatchObject({
      host: ALPHA,
      vendor: 'alpha',
      outcome: 'sent',
      method: 'POST',
      path: '/send',
      query: '',
    });
    expect(first.headers.authorization).toBe('Bearer alpha-token');
    expect(JSON.parse(first.body.toString())).toEqual({ from: '+1555', to: '+1666', text: 'hi a' });
    expect(second).toMatchObject({ host: BETA, vendor: 'beta', outcome: 'sent' });
  });

  it("answers a stand-in's refusal as it says, and records no SMS", async () => {
    const wrongToken = await post(rig, ALPHA, { from: '+1', to: '+2', text: 'x' }, 'beta-token');
    expect(wrongToken.status).toBe(401);
    const refused = await post(
      rig,
      BETA,
      { from: '+1', to: STAND_IN_REFUSED_NUMBER, text: 'x' },
      'beta-token',
    );
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body.toString())).toEqual({ error: 'invalid to' });
    expect(rig.sent()).toEqual([]);
    expect(rig.server.requests().map((request) => request.outcome)).toEqual(['refused', 'refused']);
  });

  it('answers 421 to a host no stand-in serves', async () => {
    const answer = await misdirected(rig, 'api.unknown-sms.test:443');
    expect(answer.status).toBe(421);
    expect(answer.body).toContain('no stand-in serves api.unknown-sms.test');
    expect(rig.server.requests()).toMatchObject([
      { host: 'api.unknown-sms.test', outcome: 'misdirected' },
    ]);
    expect(rig.server.requests()[0].vendor).toBeUndefined();
  });

  it('answers 500 naming the failure when a stand-in throws', async () => {
    const answer = await post(rig, 'api.broken-sms.test', {}, 'x');
    expect(answer.status).toBe(500);
    expect(answer.body.toString()).toContain('bug in the stand-in');
  });

  it('keeps a hanging request open: the caller times out', async () => {
    const started = Date.now();
    await expect(
      post(rig, ALPHA, { from: '+1', to: STAND_IN_HANGING_NUMBER, text: 'x' }, 'alpha-token', 300),
    ).rejects.toBeInstanceOf(OutboundTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(rig.server.requests()).toMatchObject([{ outcome: 'hang' }]);
  });

  it('clear() forgets requests and SMS', async () => {
    await post(rig, ALPHA, { from: '+1', to: '+2', text: 'x' }, 'alpha-token');
    expect(rig.sent()).toHaveLength(1);
    rig.server.clear();
    expect(rig.sent()).toEqual([]);
    expect(rig.server.requests()).toEqual([]);
  });

  it("gives a gateway's environment: CA, pinned hosts and targets", () => {
    const env = rig.server.env(['http://127.0.0.1:9']);
    expect(env.ALLOWLIST_OUTBOUND_CA_BUNDLE_FILE).toBe(rig.server.caFile);
    expect(readFileSync(env.ALLOWLIST_OUTBOUND_CA_BUNDLE_FILE, 'utf8')).toContain(
      'BEGIN CERTIFICATE',
    );
    expect(env.ALLOWLIST_OUTBOUND_TARGETS.split(',')).toEqual([
      'http://127.0.0.1:9',
      ...rig.server.hosts(),
    ]);
    const config = JSON.parse(readFileSync(env.GATEWAY_CONFIG, 'utf8')) as unknown;
    expect(config).toEqual({
      allowlist: {
        outbound: {
          hostAddresses: {
            [ALPHA]: rig.server.address,
            [BETA]: rig.server.address,
            'api.broken-sms.test': rig.server.address,
          },
        },
      },
    });
    // Each stand-in's settings enable its vendor: the caller picks them.
    expect(Object.keys(env).sort()).toEqual([
      'ALLOWLIST_OUTBOUND_CA_BUNDLE_FILE',
      'ALLOWLIST_OUTBOUND_TARGETS',
      'GATEWAY_CONFIG',
    ]);
  });
});

describe('SendStandInServer lifecycle', () => {
  it('close() ends hanging requests: their callers see the connection lost', async () => {
    const rig = await startSendTestRig(toyStandIn('alpha', ALPHA));
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const pending = post(
        rig,
        ALPHA,
        { from: '+1', to: STAND_IN_HANGING_NUMBER, text: 'x' },
        'alpha-token',
        10_000,
      );
      await waitFor(() => rig.server.requests().length === 1);
      await rig.server.close();
      const error = await pending.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(OutboundFailedError);
    } finally {
      warn.mockRestore();
      await rig.close().catch(() => undefined);
    }
  });

  it('refuses two stand-ins claiming one host', async () => {
    await expect(
      startSendTestRig(toyStandIn('alpha', ALPHA), toyStandIn('beta', ALPHA)),
    ).rejects.toThrow(`stand-ins alpha and beta both claim ${ALPHA}`);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(condition()).toBe(true);
}
