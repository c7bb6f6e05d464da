import { randomBytes } from 'node:crypto';
import type { Type } from '@nestjs/common';
import { INBOX_STORE, type InboxStore, type StoredMessage } from '../src/inbox/inbox-store.port';
import type {
  ConformanceKit,
  SendConformance,
  TestDelivery,
} from '../src/vendors/conformance/conformance-kit';
import { discoverConformanceKits } from '../src/vendors/conformance/discover-conformance-kits';
import { discoverVendorModules } from '../src/vendors/discover-vendor-modules';
import { SendRefusedError, type OutboundSms, type VendorSender } from '../src/vendors/kit/send';
import { STAND_IN_REFUSED_NUMBER } from '../src/vendors/kit/send-stand-in';
import { SendStandInServer } from '../src/vendors/kit/send-stand-in.server';
import { VendorRegistry } from '../src/vendors/vendor-registry';
import { RegisterVendor } from '../src/vendors/vendor.decorator';
import type { WebhookVendor } from '../src/vendors/webhook-vendor';
import { sendingGatewayEnv } from './support/send-stand-ins';
import { startInProcessGateway, type InProcessGateway } from './support/in-process-gateway';
import { createTlsIdentity } from './support/test-pki';

/**
 * The shared send suite: every vendor whose conformance kit has a `send` part is enabled in a
 * real gateway with its stand-in's settings, and its sender (taken from the gateway's registry)
 * sends over real HTTPS, through the outbound guard, to the stand-in under the vendor's real
 * host name. Vendors without a sender are listed as having no send API.
 */
const folders = discoverConformanceKits();
const withSend = folders.flatMap(({ folder, kit }) =>
  kit?.send ? [[folder, kit, kit.send] as const] : [],
);

/** Never called: the worker is off. */
const NO_B2C = 'http://127.0.0.1:9';
const OUR_NUMBER = '+14155550123';
const CUSTOMER = '+14155550199';

const newId = () => randomBytes(16).toString('hex');

/** Every registered vendor, by name, as its module provides it (they take no dependencies). */
function registeredVendors(): Map<string, WebhookVendor> {
  const vendors = new Map<string, WebhookVendor>();
  for (const module of discoverVendorModules()) {
    const providers = (Reflect.getMetadata('providers', module) ?? []) as Type[];
    for (const provider of providers) {
      if (typeof provider !== 'function' || !Reflect.hasMetadata(RegisterVendor.KEY, provider)) {
        continue;
      }
      const vendor = new provider() as WebhookVendor;
      vendors.set(vendor.name, vendor);
    }
  }
  return vendors;
}

let server: SendStandInServer | undefined;

beforeAll(async () => {
  const standIns = withSend.map(([, , send]) => send.standIn);
  const hosts = standIns.flatMap((standIn) => standIn.hosts);
  if (hosts.length === 0) return;
  server = await SendStandInServer.start({ standIns, tls: createTlsIdentity(hosts[0], hosts) });
});
afterAll(() => server?.close());

describe('vendors without a send API', () => {
  const vendors = registeredVendors();
  const without = folders.filter(({ kit }) => !kit?.send).map(({ folder }) => folder);

  it('finds every vendor folder', () => {
    expect([...vendors.keys()].sort()).toEqual(folders.map(({ folder }) => folder).sort());
  });

  // One test per vendor; jest refuses an empty table.
  for (const name of without) {
    it(`${name}: no send API`, () => {
      expect(vendors.get(name)?.sender).toBeUndefined();
    });
  }

  it('every vendor with a send kit has a sender', () => {
    const kitsWithoutSender = withSend
      .map(([name]) => name)
      .filter((name) => vendors.get(name)?.sender === undefined);
    expect(kitsWithoutSender).toEqual([]);
  });
});

for (const [name, kit, send] of withSend) {
  describe(`vendor ${name} sends`, () => sendChecks(kit, send));
}

function sendChecks(kit: ConformanceKit, send: SendConformance): void {
  const standIn = send.standIn;
  let gateway: InProcessGateway;
  let store: InboxStore;
  let sender: VendorSender;
  let settings: object;
  let http: Parameters<VendorSender['send']>[2];

  beforeAll(async () => {
    if (!server) throw new Error('the stand-in server did not start');
    gateway = await startInProcessGateway({
      ...sendingGatewayEnv(server, kit, standIn, NO_B2C),
      // Stored messages are what is checked here; nothing is delivered to B2C.
      WORKER_ENABLED: 'false',
    });
    store = gateway.app.get<InboxStore>(INBOX_STORE);
    const enabled = gateway.app.get(VendorRegistry).get(kit.vendor);
    if (!enabled?.vendor.sender) throw new Error(`${kit.vendor} is not enabled or has no sender`);
    sender = enabled.vendor.sender;
    settings = enabled.settings();
    http = enabled.services.http;
  });
  afterAll(() => gateway?.close());
  beforeEach(() => server?.clear());

  async function post(delivery: TestDelivery): Promise<number> {
    const response = await fetch(gateway.url + delivery.path, {
      method: delivery.method ?? 'POST',
      headers: delivery.headers,
      body: delivery.method === 'GET' ? undefined : delivery.body,
    });
    await response.text();
    return response.status;
  }

  /** Pending messages of this vendor stored after `afterSeq` (the worker is off). */
  async function storedSince(afterSeq: number): Promise<StoredMessage[]> {
    const pending = await store.list('pending', 10_000, afterSeq);
    return pending.filter(({ message }) => message.vendor === kit.vendor);
  }

  async function lastSeq(): Promise<number> {
    const pending = await store.list('pending', 10_000);
    return pending.reduce((max, { seq }) => Math.max(max, seq), 0);
  }

  function sms(id: string, to = CUSTOMER): OutboundSms {
    return { from: OUR_NUMBER, to, text: `Your case is solved ${id}`, reference: `b2c-${id}` };
  }

  it('names no missing setting with the stand-in credentials', () => {
    expect(sender.missingSettings(settings)).toEqual([]);
    expect(sender.targets(settings).length).toBeGreaterThan(0);
  });

  it('sends over real HTTPS: the stand-in records exactly that SMS', async () => {
    const id = newId();
    const receipt = await sender.send(sms(id), settings, http);
    expect(receipt.vendorMessageId).toMatch(/\S/);
    expect(server?.sent()).toEqual([
      {
        vendor: kit.vendor,
        from: OUR_NUMBER,
        to: CUSTOMER,
        text: `Your case is solved ${id}`,
        vendorMessageId: receipt.vendorMessageId,
      },
    ]);
  });

  it('rejects a send to the invalid number with SendRefusedError', async () => {
    const error = await sender.send(sms(newId(), STAND_IN_REFUSED_NUMBER), settings, http).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SendRefusedError);
    expect(server?.sent()).toEqual([]);
  });

  it.each(['delivered', 'failed'] as const)(
    'stores a %s receipt the sender reads back',
    async (outcome) => {
      const receipt = await sender.send(sms(newId()), settings, http);
      const before = await lastSeq();
      const sent = { vendorMessageId: receipt.vendorMessageId, from: OUR_NUMBER, to: CUSTOMER };
      const status = await post(await send.receipt(newId(), sent, outcome));
      expect(status).toBeGreaterThanOrEqual(200);
      expect(status).toBeLessThan(300);
      const stored = await storedSince(before);
      expect(stored.map(({ message }) => message.kind)).toEqual(['status']);
      const read = sender.receipt(stored[0].message);
      expect(read).toMatchObject({ vendorMessageId: receipt.vendorMessageId });
      if (outcome === 'delivered') expect(read?.status).toMatch(/deliver/);
      else expect(read?.status).not.toMatch(/^(delivered|sent|accepted|queued)$/);
    },
  );

  it('stores an inbound text with the given numbers and text', async () => {
    const before = await lastSeq();
    const text = `Is my order ready? ${newId()}`;
    const status = await post(
      await send.inbound(newId(), { from: CUSTOMER, to: OUR_NUMBER, text }),
    );
    expect(status).toBeGreaterThanOrEqual(200);
    expect(status).toBeLessThan(300);
    const stored = await storedSince(before);
    expect(stored.map(({ message }) => message)).toEqual([
      expect.objectContaining({ kind: 'sms', from: CUSTOMER, to: OUR_NUMBER, text }),
    ]);
  });
}
