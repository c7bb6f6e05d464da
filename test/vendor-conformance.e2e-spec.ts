import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INBOX_STORE, type InboxStore } from '../src/inbox/inbox-store.port';
import type {
  ConformanceKit,
  ConformanceResponse,
  TestDelivery,
} from '../src/vendors/conformance/conformance-kit';
import { discoverConformanceKits } from '../src/vendors/conformance/discover-conformance-kits';
import { allowOutbound } from './support/allow-outbound';
import { TEST_PUBLIC_BASE_URL } from './support/gateway-env';
import { startInProcessGateway, type InProcessGateway } from './support/in-process-gateway';

/**
 * The shared conformance suite: every vendor folder, found on disk, is run through the same
 * checks over a real socket against the real application (storage included).
 */
const folders = discoverConformanceKits();

/** Never called: the worker is off. */
const NO_B2C = 'http://127.0.0.1:9';

/** Event ids are hex, so they fit every vendor's id format once the kit adds its prefix. */
const newId = () => randomBytes(16).toString('hex');

function baseEnv(): Record<string, string> {
  return {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'conformance-')),
    PUBLIC_BASE_URL: TEST_PUBLIC_BASE_URL,
    // Stored messages are what is checked here; nothing is delivered.
    WORKER_ENABLED: 'false',
    B2C_URL: NO_B2C,
    ...allowOutbound([NO_B2C]),
    B2C_USERNAME: 'conformance',
    B2C_PASSWORD: 'conformance-password',
    LOG_LEVEL: 'warn',
  };
}

/** A different character of the same alphabet in the middle of a value. */
function alter(value: string): string {
  const at = Math.floor(value.length / 2);
  const replacement = value[at] === 'A' ? 'B' : 'A';
  return value.slice(0, at) + replacement + value.slice(at + 1);
}

describe.each(folders.map((folder) => [folder.folder, folder] as const))(
  'vendor %s conforms',
  (_name, { kit: maybeKit }) => {
    it('has a conformance kit in fixtures/', () => {
      expect(maybeKit).toBeDefined();
    });
    if (!maybeKit) return;
    const kit: ConformanceKit = maybeKit;
    let gateway: InProcessGateway;
    let store: InboxStore;

    beforeAll(async () => {
      gateway = await startInProcessGateway({ ...baseEnv(), ...kit.env });
      store = gateway.app.get<InboxStore>(INBOX_STORE);
    });
    afterAll(() => gateway?.close());

    async function send(delivery: TestDelivery): Promise<ConformanceResponse> {
      const response = await fetch(gateway.url + delivery.path, {
        method: delivery.method ?? 'POST',
        headers: delivery.headers,
        body: delivery.method === 'GET' ? undefined : delivery.body,
      });
      return {
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        body: await response.text(),
      };
    }

    async function storedCount(id: string): Promise<number> {
      const held = await Promise.all(
        kit.messageIds(id).map((messageId) => store.get(kit.vendor, messageId)),
      );
      return held.filter(Boolean).length;
    }

    async function expectRejected(delivery: TestDelivery, id: string): Promise<void> {
      const response = await send(delivery);
      expect(response.status).toBe(401);
      expect(response.contentType).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(response.body)).toMatchObject({ status: 401 });
      expect(await storedCount(id)).toBe(0);
    }

    it('accepts a valid delivery, stores its messages and answers the vendor’s ack', async () => {
      const id = newId();
      const delivery = await kit.deliver(id);
      kit.expectAck(await send(delivery));
      expect(await storedCount(id)).toBe(kit.messageIds(id).length);
    });

    it('stores a redelivered event once and acknowledges every delivery', async () => {
      const id = newId();
      const before = await store.counts();
      for (let i = 0; i < 3; i++) kit.expectAck(await send(await kit.deliver(id)));
      const after = await store.counts();
      expect(after.pending - before.pending).toBe(kit.messageIds(id).length);
      expect(await storedCount(id)).toBe(kit.messageIds(id).length);
    });

    it('rejects a delivery signed with another secret', async () => {
      const id = newId();
      await expectRejected(await kit.withWrongSecret(id), id);
    });

    // Schemes that carry the signature in the URL or body (Vonage SMS `sig`) list no header;
    // the body and URL tampering tests cover them.
    for (const header of kit.credentialHeaders) {
      it(`rejects a delivery whose ${header} is altered or missing`, async () => {
        const id = newId();
        const delivery = await kit.deliver(id);
        const value = delivery.headers[header];
        expect(value).toEqual(expect.any(String));
        await expectRejected(
          { ...delivery, headers: { ...delivery.headers, [header]: alter(value) } },
          id,
        );
        const without = { ...delivery.headers };
        delete without[header];
        await expectRejected({ ...delivery, headers: without }, id);
      });
    }

    if (kit.covers.body === true) {
      it('rejects a delivery whose body was changed', async () => {
        const id = newId();
        const delivery = await kit.deliver(id);
        const body = delivery.body.toString();
        expect(body).toContain(id);
        await expectRejected({ ...delivery, body: body.replace(id, alter(id)) }, id);
      });
    } else {
      const reason = kit.covers.body;
      // Declared unsigned: the same tampering is then accepted. Should the scheme sign the body
      // after all, the declaration is wrong and this fails.
      it(`accepts a delivery whose body was changed, the body being unsigned: ${reason}`, async () => {
        expect(reason).toMatch(/\w{3,}/);
        const id = newId();
        const changed = alter(id);
        const delivery = await kit.deliver(id);
        const body = delivery.body.toString();
        expect(body).toContain(id);
        kit.expectAck(await send({ ...delivery, body: body.split(id).join(changed) }));
        expect(await storedCount(changed)).toBe(kit.messageIds(changed).length);
        expect(await storedCount(id)).toBe(0);
      });
    }

    if (kit.covers.url === true) {
      it('rejects a delivery sent to a changed URL', async () => {
        const id = newId();
        const delivery = await kit.deliver(id);
        const path = `${delivery.path}${delivery.path.includes('?') ? '&' : '?'}tampered=1`;
        await expectRejected({ ...delivery, path }, id);
      });
    } else {
      const reason = kit.covers.url;
      // Declared unsigned: the same tampering is then accepted, and the messages stored.
      it(`accepts a delivery sent to a changed URL, the URL being unsigned: ${reason}`, async () => {
        expect(reason).toMatch(/\w{3,}/);
        const id = newId();
        const delivery = await kit.deliver(id);
        const path = `${delivery.path}${delivery.path.includes('?') ? '&' : '?'}tampered=1`;
        kit.expectAck(await send({ ...delivery, path }));
        expect(await storedCount(id)).toBe(kit.messageIds(id).length);
      });
    }

    const tolerance = kit.timestampToleranceMs;
    if (tolerance !== undefined) {
      it('rejects a delivery older than the timestamp tolerance, accepts one inside it', async () => {
        const id = newId();
        const stale = new Date(Date.now() - tolerance - 60_000);
        await expectRejected(await kit.deliver(id, { at: stale }), id);
        const recent = new Date(Date.now() - tolerance / 2);
        kit.expectAck(await send(await kit.deliver(id, { at: recent })));
      });
    }

    if (kit.hasNonce) {
      it('rejects the identical delivery sent again: its nonce is used up', async () => {
        const id = newId();
        const delivery = await kit.deliver(id);
        kit.expectAck(await send(delivery));
        const replay = await send(delivery);
        expect(replay.status).toBe(401);
        expect(JSON.parse(replay.body)).toMatchObject({ detail: expect.stringMatching(/replay/) });
        expect(await storedCount(id)).toBe(kit.messageIds(id).length);
      });
    } else {
      it('acknowledges the identical delivery sent again as a duplicate (no nonce)', async () => {
        const id = newId();
        const delivery = await kit.deliver(id);
        kit.expectAck(await send(delivery));
        kit.expectAck(await send(delivery));
        expect(await storedCount(id)).toBe(kit.messageIds(id).length);
      });
    }

    it('refuses a malformed payload with 400 and a message saying what is wrong', async () => {
      const id = newId();
      const response = await send(await kit.malformed(id));
      expect(response.status).toBe(400);
      const problem = JSON.parse(response.body) as { detail?: string };
      expect(problem.detail).toMatch(/\w{3,}/);
      expect(await storedCount(id)).toBe(0);
    });
  },
);
