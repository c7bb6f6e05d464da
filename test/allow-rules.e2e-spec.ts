import { request as httpRequest } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { decodeReferenceId } from '../src/common/problem/reference-id';
import { signedTwilioRequest, TWILIO_TEST_AUTH_TOKEN } from '../src/vendors/twilio/fixtures';
import { TEST_PUBLIC_BASE_URL } from './support/gateway-env';
import {
  nextSid,
  smsParams,
  startGatewayWithEmulator,
  WEBHOOK_PATH,
  type GatewayWithEmulator,
} from './support/gateway-fixture';

/**
 * Inbound allow rules over real sockets. Loopback has a whole /8, so the test's client picks its
 * own source address: 127.0.0.2 plays the trusted proxy, 127.0.0.3 an untrusted peer.
 */
const PROXY = '127.0.0.2';
const STRANGER = '127.0.0.3';
const VENDOR_NET = '198.51.100.0/24';
const VCN = 'ocid1.vcn.oc1.iad.amaaaaaexamplevcn';
const ADMIN_TOKEN = 'admin-token-for-allow-rules-0c1d';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request from a chosen local address, with exactly the headers given. */
function send(
  url: string,
  options: {
    from: string;
    path: string;
    method?: string;
    headers?: Record<string, string>;
    body?: Buffer | string;
  },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${url}${options.path}`,
      { method: options.method ?? 'POST', localAddress: options.from, headers: options.headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

function rulesFile(file: string, vendorSources: string[]): void {
  writeFileSync(
    file,
    stringify({
      allowlist: {
        inbound: {
          sourceGroups: { vendors: vendorSources, operators: ['127.0.0.0/8'] },
          pathGroups: {
            webhooks: [{ prefix: '/vendors/' }],
            operations: [{ prefix: '/admin/' }, { prefix: '/health/' }],
          },
          rules: [
            { name: 'vendor-webhooks', pathGroup: 'webhooks', sources: ['vendors', VCN] },
            { name: 'operators', pathGroup: 'operations', sources: ['operators'] },
          ],
        },
      },
    }),
  );
}

function signedWebhook(): { headers: Record<string, string>; body: Buffer } {
  const signed = signedTwilioRequest({
    authToken: TWILIO_TEST_AUTH_TOKEN,
    url: `${TEST_PUBLIC_BASE_URL}${WEBHOOK_PATH}`,
    params: smsParams(nextSid()),
  });
  return { headers: signed.headers, body: signed.body };
}

describe('inbound allow rules over real sockets', () => {
  let gw: GatewayWithEmulator;
  let file: string;

  beforeAll(async () => {
    file = join(mkdtempSync(join(tmpdir(), 'rules-')), 'gateway.yaml');
    rulesFile(file, [VENDOR_NET]);
    gw = await startGatewayWithEmulator({
      GATEWAY_CONFIG: file,
      TRUSTED_PROXIES: `${PROXY}/32`,
      WORKER_ENABLED: 'false',
      ADMIN_MODE: 'token',
      ADMIN_TOKEN,
    });
  });
  afterAll(() => gw.stop());

  async function expectBlocked(answer: Answer, client: string): Promise<Record<string, unknown>> {
    expect(answer.status).toBe(403);
    const problem = JSON.parse(answer.body) as Record<string, unknown>;
    expect(problem.type).toBe('urn:b2c-webhook-gateway:problem:source-not-allowed');
    expect(decodeReferenceId(String(problem.referenceId))?.reason).toBe(18);
    // The decision is for the admin: in the log under the reference id, not in the answer.
    expect(answer.body).not.toContain('vendor-webhooks');
    const line = gw.logs.find((entry) => entry.referenceId === problem.referenceId);
    expect(line).toMatchObject({
      status: 403,
      client,
      decision: expect.objectContaining({ allowed: false }),
    });
    return problem;
  }

  it('refuses a source outside the rule, and ignores X-Forwarded-For from an untrusted peer', async () => {
    const { headers, body } = signedWebhook();
    await expectBlocked(
      await send(gw.url, { from: STRANGER, path: WEBHOOK_PATH, headers, body }),
      STRANGER,
    );
    const spoofed = { ...headers, 'x-forwarded-for': '198.51.100.7' };
    await expectBlocked(
      await send(gw.url, { from: STRANGER, path: WEBHOOK_PATH, headers: spoofed, body }),
      STRANGER,
    );
  });

  it('believes the trusted proxy about the client it forwards', async () => {
    const { headers, body } = signedWebhook();
    const forwarded = { ...headers, 'x-forwarded-for': '198.51.100.7' };
    const answer = await send(gw.url, {
      from: PROXY,
      path: WEBHOOK_PATH,
      headers: forwarded,
      body,
    });
    expect(answer.status).toBe(200);
  });

  it('reads X-Forwarded-For hop by hop: an address the client prepended does not count', async () => {
    const { headers, body } = signedWebhook();
    const chain = { ...headers, 'x-forwarded-for': '198.51.100.7, 203.0.113.9' };
    await expectBlocked(
      await send(gw.url, { from: PROXY, path: WEBHOOK_PATH, headers: chain, body }),
      '203.0.113.9',
    );
  });

  it('counts a client as unknown when an element of the chain is empty or malformed', async () => {
    // Issue 16: Fastify's proxy-addr skipped the empty elements and let 198.51.100.7 in.
    for (const chain of ['198.51.100.7,,', '198.51.100.7, ', '198.51.100.7, 198.51.100.8:443']) {
      const { headers, body } = signedWebhook();
      const answer = await send(gw.url, {
        from: PROXY,
        path: WEBHOOK_PATH,
        headers: { ...headers, 'x-forwarded-for': chain },
        body,
      });
      expect(answer.status).toBe(403);
      const problem = JSON.parse(answer.body) as Record<string, unknown>;
      expect(problem.type).toBe('urn:b2c-webhook-gateway:problem:source-not-allowed');
      const line = gw.logs.find((entry) => entry.referenceId === problem.referenceId);
      expect(line).toMatchObject({
        decision: expect.objectContaining({ allowed: false, reason: 'malformed-address' }),
        forwarded: expect.objectContaining({ peer: PROXY, hops: 1 }),
      });
      expect(line?.client).toBeUndefined();
    }
    // The RFC 7239 Forwarded header is not read at all: it cannot vouch for a client either.
    const { headers, body } = signedWebhook();
    const answer = await send(gw.url, {
      from: PROXY,
      path: WEBHOOK_PATH,
      headers: { ...headers, forwarded: 'for=198.51.100.7', 'x-forwarded-for': '203.0.113.9' },
      body,
    });
    await expectBlocked(answer, '203.0.113.9');
  });

  it('honours the VCN header only from the trusted proxy', async () => {
    const { headers, body } = signedWebhook();
    const fromVcn = { ...headers, 'x-forwarded-for': '10.0.0.5', 'x-oci-vcn-ocid': VCN };
    expect(
      (await send(gw.url, { from: PROXY, path: WEBHOOK_PATH, headers: fromVcn, body })).status,
    ).toBe(200);
    const again = signedWebhook();
    await expectBlocked(
      await send(gw.url, {
        from: STRANGER,
        path: WEBHOOK_PATH,
        headers: { ...again.headers, 'x-oci-vcn-ocid': VCN },
        body: again.body,
      }),
      STRANGER,
    );
  });

  it('never lets encodings, case or dot segments slip a request past the rules', async () => {
    const { headers, body } = signedWebhook();
    for (const path of [
      '/vendors/twilio/../twilio/webhook',
      '/VENDORS/twilio/webhook',
      '/%76endors/twilio/webhook',
    ]) {
      // Fastify routes the path as sent (404 when it is no route); either way, never through.
      const answer = await send(gw.url, { from: STRANGER, path, headers, body });
      expect([403, 404]).toContain(answer.status);
    }
  });

  it('lets an admin decode a reference id and read the refusal’s decision', async () => {
    const { headers, body } = signedWebhook();
    const refused = await send(gw.url, { from: STRANGER, path: WEBHOOK_PATH, headers, body });
    const { referenceId } = JSON.parse(refused.body) as { referenceId: string };
    const lookup = await send(gw.url, {
      from: '127.0.0.1',
      method: 'GET',
      path: `/admin/references/${referenceId}`,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(lookup.status).toBe(200);
    expect(JSON.parse(lookup.body)).toMatchObject({
      referenceId,
      decoded: { reason: 18, reasonText: 'blocked by an inbound allow rule' },
      line: {
        status: 403,
        client: STRANGER,
        decision: { allowed: false, reason: 'source-not-allowed' },
      },
    });
    const anonymous = await send(gw.url, {
      from: '127.0.0.1',
      method: 'GET',
      path: `/admin/references/${referenceId}`,
    });
    expect(anonymous.status).toBe(401);
    const nonsense = await send(gw.url, {
      from: '127.0.0.1',
      method: 'GET',
      path: '/admin/references/not-a-reference',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(nonsense.status).toBe(400);
    expect(nonsense.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(nonsense.body)).toMatchObject({
      detail: expect.stringMatching(/not a reference id/),
    });
  });

  it('reloads the rules on SIGHUP, and keeps them when the new file is bad', async () => {
    const attempt = async () => {
      const { headers, body } = signedWebhook();
      return (await send(gw.url, { from: STRANGER, path: WEBHOOK_PATH, headers, body })).status;
    };
    expect(await attempt()).toBe(403);
    rulesFile(file, [VENDOR_NET, `${STRANGER}/32`]);
    process.emit('SIGHUP', 'SIGHUP');
    expect(await attempt()).toBe(200);

    rulesFile(file, ['not-an-address']);
    process.emit('SIGHUP', 'SIGHUP');
    expect(gw.logs).toContainEqual(
      expect.objectContaining({
        msg: 'allow rules NOT reloaded; the running rules stay',
        problems: [expect.stringContaining('not-an-address')],
      }),
    );
    expect(await attempt()).toBe(200);

    rulesFile(file, [VENDOR_NET]);
    process.emit('SIGHUP', 'SIGHUP');
    expect(await attempt()).toBe(403);
  });
});

describe('rate limits, security headers and CORS', () => {
  let gw: GatewayWithEmulator;

  beforeAll(async () => {
    gw = await startGatewayWithEmulator({
      WORKER_ENABLED: 'false',
      THROTTLE_PER_SOURCE: '3',
      THROTTLE_WINDOW_MS: '5000',
      CORS_ORIGINS: 'https://console.example.com',
    });
  });
  afterAll(() => gw.stop());

  it('answers 429 with Retry-After and a reference id once a source exceeds its limit', async () => {
    const statuses: number[] = [];
    let last: Answer | undefined;
    for (let i = 0; i < 5; i++) {
      const { headers, body } = signedWebhook();
      last = await send(gw.url, { from: '127.0.0.4', path: WEBHOOK_PATH, headers, body });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const problem = JSON.parse(last!.body) as { referenceId: string; type: string };
    expect(problem.type).toBe('urn:b2c-webhook-gateway:problem:throttled');
    expect(decodeReferenceId(problem.referenceId)?.reason).toBe(210);
    // Another source has its own budget.
    const { headers, body } = signedWebhook();
    expect(
      (await send(gw.url, { from: '127.0.0.5', path: WEBHOOK_PATH, headers, body })).status,
    ).toBe(200);
  });

  it('sends security headers fit for an API, and CORS only for configured origins', async () => {
    const { headers, body } = signedWebhook();
    const answer = await send(gw.url, { from: '127.0.0.6', path: WEBHOOK_PATH, headers, body });
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['content-security-policy']).toContain("default-src 'none'");
    expect(answer.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await send(gw.url, {
      from: '127.0.0.6',
      method: 'OPTIONS',
      path: WEBHOOK_PATH,
      headers: { origin: 'https://console.example.com', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBe('https://console.example.com');
    const other = await send(gw.url, {
      from: '127.0.0.6',
      method: 'OPTIONS',
      path: WEBHOOK_PATH,
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('a vendor’s own source list, on the same rule engine', () => {
  let gw: GatewayWithEmulator;

  beforeAll(async () => {
    // No global rules: only the vendor's list applies, and only to its webhook path.
    gw = await startGatewayWithEmulator({
      WORKER_ENABLED: 'false',
      VENDOR_TWILIO__ALLOWED_SOURCES: '127.0.0.7/32, 127.0.0.8',
    });
  });
  afterAll(() => gw.stop());

  it('accepts the vendor only from its listed sources, and still checks its signature', async () => {
    const listed = signedWebhook();
    expect((await send(gw.url, { from: '127.0.0.7', path: WEBHOOK_PATH, ...listed })).status).toBe(
      200,
    );
    const stranger = signedWebhook();
    const refused = await send(gw.url, { from: '127.0.0.9', path: WEBHOOK_PATH, ...stranger });
    expect(refused.status).toBe(403);
    expect(
      decodeReferenceId(String((JSON.parse(refused.body) as { referenceId: string }).referenceId))
        ?.reason,
    ).toBe(18);
    const unsigned = { ...signedWebhook().headers, 'x-twilio-signature': 'AAAA' };
    expect(
      (
        await send(gw.url, {
          from: '127.0.0.8',
          path: WEBHOOK_PATH,
          headers: unsigned,
          body: listed.body,
        })
      ).status,
    ).toBe(401);
    // Other paths are not the vendor's: its list does not cover them.
    expect(
      (await send(gw.url, { from: '127.0.0.9', method: 'GET', path: '/health/live' })).status,
    ).toBe(200);
  });
});
