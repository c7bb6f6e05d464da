import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { GatewayError } from '../src/common/problem/gateway-error';
import type { TestDelivery } from '../src/vendors/conformance/conformance-kit';
import { discoverConformanceKits } from '../src/vendors/conformance/discover-conformance-kits';
import { assertValidMessages } from '../src/messages/inbound-message.validation';
import { type EnabledVendor, VendorRegistry } from '../src/vendors/vendor-registry';
import type { WebhookRequest } from '../src/vendors/webhook-vendor';
import { allowOutbound } from './support/allow-outbound';
import { fuzzRuns } from './support/fuzz-runs';
import { TEST_PUBLIC_BASE_URL } from './support/gateway-env';
import { startInProcessGateway, type InProcessGateway } from './support/in-process-gateway';

/**
 * Fuzzing every vendor's verifier and parser (called directly, FUZZ_RUNS times each, 10,000 by
 * default; `npm run fuzz` runs far more) and the whole gateway over HTTP: whatever arrives, only
 * typed errors are thrown, and no answer is a 5xx.
 */
const RUNS = fuzzRuns(10_000);
const HTTP_RUNS = Math.max(200, Math.floor(RUNS / 20));
const NO_B2C = 'http://127.0.0.1:9';
const kits = discoverConformanceKits().flatMap(({ kit }) => (kit ? [kit] : []));

/** Only domain errors (mapped to 4xx) may escape a vendor module; anything else is a bug. */
async function onlyTypedErrors(run: () => unknown): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
  }
}

function asRequest(vendor: string, delivery: TestDelivery, body: Buffer): WebhookRequest {
  const headers = Object.fromEntries(
    Object.entries(delivery.headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const queryAt = delivery.path.indexOf('?');
  return {
    vendor,
    method: delivery.method ?? 'POST',
    publicUrl: TEST_PUBLIC_BASE_URL + delivery.path,
    query: queryAt === -1 ? '' : delivery.path.slice(queryAt + 1),
    rawBody: body,
    contentType: (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase(),
    headers,
    receivedAt: new Date(),
  };
}

/** A body made from a valid one: bytes flipped, cut, or spliced with random text. */
const mutatedBody = (valid: Buffer) =>
  fc.oneof(
    fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)),
    fc.string({ unit: 'binary', maxLength: 256 }).map((text) => Buffer.from(text)),
    fc
      .tuple(
        fc.nat(valid.length),
        fc.nat(valid.length),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
      )
      .map(([from, to, text]) =>
        Buffer.concat([
          valid.subarray(0, Math.min(from, to)),
          Buffer.from(text),
          valid.subarray(Math.max(from, to)),
        ]),
      ),
    fc.jsonValue({ maxDepth: 4 }).map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
  );

describe.each(kits.map((kit) => [kit.vendor, kit] as const))('fuzzing vendor %s', (name, kit) => {
  let gateway: InProcessGateway;
  let enabled: EnabledVendor;
  let valid: TestDelivery;

  beforeAll(async () => {
    gateway = await startInProcessGateway({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'fuzz-')),
      PUBLIC_BASE_URL: TEST_PUBLIC_BASE_URL,
      WORKER_ENABLED: 'false',
      THROTTLE_ENABLED: 'false',
      B2C_URL: NO_B2C,
      B2C_USERNAME: 'fuzz',
      B2C_PASSWORD: 'fuzz-password',
      LOG_LEVEL: 'silent',
      ...allowOutbound([NO_B2C]),
      ...kit.env,
    });
    enabled = gateway.app.get(VendorRegistry).get(name)!;
    valid = await kit.deliver('fuzz0000000000000000000000000001');
  });
  afterAll(() => gateway?.close());

  it(`verifier and parser throw only typed errors (${RUNS} runs each)`, async () => {
    const { vendor, services } = enabled;
    const validBody = Buffer.from(valid.body);
    await fc.assert(
      fc.asyncProperty(mutatedBody(validBody), async (body) => {
        const request = asRequest(name, valid, body);
        await onlyTypedErrors(() => vendor.verify(request, enabled.settings(), services));
        await onlyTypedErrors(async () => {
          const messages = await vendor.parse(request, enabled.settings(), services);
          assertValidMessages(name, messages);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it(`verifier throws only typed errors on random credential headers (${RUNS} runs)`, async () => {
    const { vendor, services } = enabled;
    const names = kit.credentialHeaders.length > 0 ? kit.credentialHeaders : ['authorization'];
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...names), fc.string({ unit: 'binary', maxLength: 200 })),
        async (headers) => {
          const request = asRequest(
            name,
            { ...valid, headers: { ...valid.headers, ...headers } },
            Buffer.from(valid.body),
          );
          await onlyTypedErrors(() => vendor.verify(request, enabled.settings(), services));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`never answers a 5xx over HTTP, whatever arrives (${HTTP_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        mutatedBody(Buffer.from(valid.body)),
        fc.constantFrom(
          ...[valid.headers['content-type'] ?? '', 'application/json', 'text/plain', ''],
        ),
        fc.boolean(),
        async (body, contentType, keepCredentials) => {
          const headers: Record<string, string> = keepCredentials ? { ...valid.headers } : {};
          if (contentType) headers['content-type'] = contentType;
          else delete headers['content-type'];
          const response = await fetch(gateway.url + valid.path, { method: 'POST', headers, body });
          await response.arrayBuffer();
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: HTTP_RUNS },
    );
  });
});
