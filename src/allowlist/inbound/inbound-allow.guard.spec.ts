import { request as httpRequest } from 'node:http';
import {
  type ArgumentsHost,
  Catch,
  Controller,
  Global,
  Module,
  Post,
  UseGuards,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { GatewayError } from '../../common/problem/gateway-error';
import { ProblemFilter } from '../../refusals/problem.filter';
import { GatewayConfig } from '../../config/gateway-config';
import { InboundAllowGuard } from './inbound-allow.guard';
import { InboundAllowModule } from './inbound-allow.module';
import { InboundRulesSettings } from './rules/inbound-rules.settings';

const OCID = 'ocid1.vcn.oc1.iad.aaaaaaaaservicegateway';

/** Only the corporate block, or the corporate VCN through a service gateway, may call vendors. */
const SETTINGS = Object.assign(new InboundRulesSettings(), {
  sourceGroups: { corporate: ['203.0.113.0/24', OCID] },
  pathGroups: { vendors: [{ prefix: '/vendors/' }] },
  rules: [{ pathGroup: 'vendors', sources: ['corporate'] }],
});

@Controller()
class WebhookStubController {
  @Post('vendors/:name/webhook')
  @UseGuards(InboundAllowGuard)
  accept(): { ok: true } {
    return { ok: true };
  }
}

/** Keeps what was thrown, to check the log-only details, then answers as the gateway does. */
@Catch()
class RecordingProblemFilter extends ProblemFilter {
  readonly errors: unknown[] = [];
  override catch(exception: unknown, host: ArgumentsHost): void {
    this.errors.push(exception);
    super.catch(exception, host);
  }
}

interface Running {
  url: URL;
  refusals: RecordingProblemFilter;
  close(): Promise<void>;
}

/** A real Nest application on Fastify, on a loopback socket, with the given trusted proxies. */
async function start(trustedProxies: string[]): Promise<Running> {
  const config = new GatewayConfig();
  config.allowlist.inbound = SETTINGS;
  Object.assign(config.server, { trustedProxies });

  @Global()
  @Module({ providers: [{ provide: GatewayConfig, useValue: config }], exports: [GatewayConfig] })
  class TestConfigModule {}

  @Module({ imports: [TestConfigModule, InboundAllowModule], controllers: [WebhookStubController] })
  class TestAppModule {}

  const app = await NestFactory.create<NestFastifyApplication>(
    TestAppModule,
    // As the gateway is wired: Fastify reads no forwarding header; the guard reads X-Forwarded-For.
    new FastifyAdapter({ trustProxy: false }),
    { logger: false },
  );
  const refusals = new RecordingProblemFilter();
  app.useGlobalFilters(refusals);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: new URL(`http://127.0.0.1:${port}`), refusals, close: () => app.close() };
}

function post(
  base: URL,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      new URL(path, base),
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    request.end('{}');
  });
}

function lastDecision(running: Running): Record<string, unknown> {
  const error = running.refusals.errors.at(-1);
  expect(error).toBeInstanceOf(GatewayError);
  return (error as GatewayError).logDetails?.decision as Record<string, unknown>;
}

describe('InboundAllowGuard over a real Fastify socket', () => {
  describe('with no trusted proxy', () => {
    let running: Running;
    beforeAll(async () => (running = await start([])));
    afterAll(() => running.close());

    it('ignores X-Forwarded-For and the VCN OCID header from an untrusted peer', async () => {
      const response = await post(running.url, '/vendors/twilio/webhook', {
        'x-forwarded-for': '203.0.113.9',
        'x-oci-vcn-ocid': OCID,
      });
      expect(response.status).toBe(403);
      const problem = JSON.parse(response.body) as Record<string, unknown>;
      expect(problem).toMatchObject({ status: 403, detail: expect.any(String) });
      // The decision is for the log only: nothing about rules or sources reaches the caller.
      expect(response.body).not.toMatch(/corporate|203\.0\.113|ocid1|rules/);
      expect(lastDecision(running)).toMatchObject({
        allowed: false,
        reason: 'source-not-allowed',
        address: '127.0.0.1',
        path: '/vendors/twilio/webhook',
        rules: ['rules[0]'],
      });
      expect(lastDecision(running).vcnOcid).toBeUndefined();
    });
  });

  describe('behind a trusted proxy on loopback', () => {
    let running: Running;
    beforeAll(async () => (running = await start(['127.0.0.1/32'])));
    afterAll(() => running.close());

    it('decides on the forwarded client address', async () => {
      expect(
        (await post(running.url, '/vendors/twilio/webhook', { 'x-forwarded-for': '203.0.113.9' }))
          .status,
      ).toBe(201);
      expect(
        (await post(running.url, '/vendors/twilio/webhook', { 'x-forwarded-for': '192.0.2.1' }))
          .status,
      ).toBe(403);
      expect(lastDecision(running)).toMatchObject({ address: '192.0.2.1' });
    });

    it('takes the nearest untrusted hop, so a client cannot prepend an allowed address', async () => {
      const response = await post(running.url, '/vendors/twilio/webhook', {
        'x-forwarded-for': '203.0.113.9, 192.0.2.1',
      });
      expect(response.status).toBe(403);
      expect(lastDecision(running)).toMatchObject({ address: '192.0.2.1' });
    });

    it('counts the client as unknown when the chain holds an empty element', async () => {
      for (const chain of ['203.0.113.9,,', '203.0.113.9, ,', '', '203.0.113.9,junk']) {
        const response = await post(running.url, '/vendors/twilio/webhook', {
          'x-forwarded-for': chain,
        });
        expect(response.status).toBe(403);
        expect(lastDecision(running)).toMatchObject({ reason: 'malformed-address' });
      }
    });

    it('believes the VCN OCID header from the trusted proxy', async () => {
      const response = await post(running.url, '/vendors/twilio/webhook', {
        'x-forwarded-for': '10.9.9.9',
        'x-oci-vcn-ocid': OCID,
      });
      expect(response.status).toBe(201);
    });
  });
});
