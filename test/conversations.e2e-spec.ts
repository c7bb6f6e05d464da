import type { EmulatorControl } from '../src/emulators/b2c-service/emulator-control';
import type { RunningEmulator } from '../src/emulators/b2c-service/emulator';
import { INBOX_STORE, type InboxStore, type StoredMessage } from '../src/inbox/inbox-store.port';
import { SendStandInServer } from '../src/vendors/kit/send-stand-in.server';
import { STAND_IN_HANGING_NUMBER, STAND_IN_REFUSED_NUMBER } from '../src/vendors/kit/send-stand-in';
import {
  CONVERSATION_STORE,
  type ConversationStore,
} from '../src/conversations/conversation-store.port';
import { conformance as twilioKit } from '../src/vendors/twilio/fixtures/twilio.conformance';
import { TWILIO_TEST_AUTH_TOKEN } from '../src/vendors/twilio/fixtures';
import {
  twilioSendStandIn,
  TWILIO_API_HOST,
} from '../src/vendors/twilio/fixtures/twilio-send.stand-in';
import { gatewayEnv, TEST_B2C_PASSWORD, TEST_B2C_USERNAME } from './support/gateway-env';
import { nextSid, postSigned, smsParams, startTestEmulator } from './support/gateway-fixture';
import { runGatewayUntilExit } from './support/gateway-process';
import { startInProcessGateway, type InProcessGateway } from './support/in-process-gateway';
import { createTlsIdentity } from './support/test-pki';
import { TEST_STORAGE_DRIVER } from './support/test-storage';
import { waitFor } from './support/wait-for';

/**
 * SMS conversations end to end, over real sockets: Twilio webhooks in, the B2C emulator, and
 * Twilio's send API stand-in (HTTPS under api.twilio.com, the test CA) for the SMS out.
 */
const CUSTOMER = '+14155552671';
const OUR_NUMBER = '+14155550100';

describe('SMS conversations (follow-ups into the open incident, agents’ responses as SMS)', () => {
  let emulator: RunningEmulator;
  let control: EmulatorControl;
  let standIns: SendStandInServer;
  let gateway: InProcessGateway | undefined;
  /** The test's store (data directory, or PostgreSQL schema), kept across restarts. */
  let kept: Record<string, string> | undefined;

  beforeAll(async () => {
    ({ emulator, control } = await startTestEmulator());
    const tls = createTlsIdentity(TWILIO_API_HOST);
    standIns = await SendStandInServer.start({
      standIns: [twilioSendStandIn()],
      tls: { keyPem: tls.keyPem, certificatePem: tls.certificatePem, caFile: tls.caFile },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await standIns.close();
    await emulator.close();
  });
  beforeEach(async () => {
    await control.reset();
    standIns.clear();
  });
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
    kept = undefined;
  });

  /** A gateway with conversations on; `extra` overrides. Reuses the store of the test's last one. */
  async function start(extra: Record<string, string> = {}): Promise<InProcessGateway> {
    const env = gatewayEnv({
      emulatorUrl: emulator.url,
      twilioAuthToken: TWILIO_TEST_AUTH_TOKEN,
      extra: {
        ...kept,
        ...twilioSendStandIn().env,
        ...standIns.env([emulator.url]),
        ALLOWLIST_OUTBOUND_ALLOW_HTTP_FOR_DEVELOPMENT: 'true',
        CONVERSATIONS_FOLLOW_UPS: 'thread-while-open',
        CONVERSATIONS_REPLIES: 'true',
        CONVERSATIONS_REPLIES_POLL_MS: '1000',
        B2C_SETTLE_DELAY_MS: '200',
        ...extra,
      },
    });
    kept = {
      DATA_DIR: env.DATA_DIR,
      ...(env.DATABASE_URL ? { STORAGE_DRIVER: 'postgres', DATABASE_URL: env.DATABASE_URL } : {}),
    };
    gateway = await startInProcessGateway(env);
    return gateway;
  }

  const inbox = (gw: InProcessGateway) => gw.app.get<InboxStore>(INBOX_STORE);

  async function text(gw: InProcessGateway, body: string, from = CUSTOMER): Promise<StoredMessage> {
    const sid = nextSid();
    const response = await postSigned(
      gw.url,
      smsParams(sid, { Body: body, From: from, To: OUR_NUMBER }),
    );
    expect(response.status).toBe(200);
    return waitFor(`${sid} delivered`, async () => {
      const stored = await inbox(gw).get('twilio', sid);
      return stored?.state === 'delivered' ? stored : undefined;
    });
  }

  const threadsOf = async (incidentId: number) => control.threads(incidentId);
  const customerEntries = async (incidentId: number) =>
    (await threadsOf(incidentId)).filter((t) => t.entryType.lookupName === 'Customer');
  const notes = async (incidentId: number) =>
    (await threadsOf(incidentId)).filter((t) => t.entryType.lookupName === 'Note');

  /** The reply stored for B2C thread `threadId`, once it has settled. */
  const replySettled = (gw: InProcessGateway, threadId: number) =>
    waitFor(
      `reply to thread ${threadId}`,
      async () => {
        const stored = await inbox(gw).get('twilio', `reply-b2c-thread-${threadId}`);
        return stored && stored.state !== 'pending' ? stored : undefined;
      },
      20_000,
    );

  it('threads three texts into one incident: three Customer entries, status Updated', async () => {
    const gw = await start();
    const first = await text(gw, 'my power is out');
    const second = await text(gw, 'still out');
    const third = await text(gw, 'address is 12 Elm St');
    const incidentId = first.checkpoint.incidentId!;
    expect(second.checkpoint.incidentId).toBe(incidentId);
    expect(third.checkpoint.incidentId).toBe(incidentId);
    expect(await control.incidents()).toHaveLength(1);
    expect((await customerEntries(incidentId)).map((t) => t.text)).toEqual([
      'my power is out',
      'still out',
      'address is 12 Elm St',
    ]);
    // The raw payloads stay, each in a Note that starts with its message's marker.
    expect((await notes(incidentId)).map((t) => t.text.split('\n', 1)[0])).toEqual(
      [first, second, third].map((m) => `gateway-message: twilio/${m.message.messageId}`),
    );
    const incident = await control.incident(incidentId);
    expect(incident.status.lookupName).toBe('Updated');
    // A different customer, or the same customer on another of our numbers, is another incident.
    const other = await text(gw, 'hello', '+14155552672');
    expect(other.checkpoint.incidentId).not.toBe(incidentId);
  });

  it('opens a new incident when the last one was solved or deleted in B2C', async () => {
    const gw = await start();
    const first = await text(gw, 'my power is out');
    await control.setStatus(first.checkpoint.incidentId!, 'Solved');
    const afterSolved = await text(gw, 'it is out again');
    expect(afterSolved.checkpoint.incidentId).not.toBe(first.checkpoint.incidentId);

    const deleted = await fetch(
      `${emulator.url}/services/rest/connect/v1.4/incidents/${afterSolved.checkpoint.incidentId}`,
      {
        method: 'DELETE',
        headers: {
          authorization: b2cAuthorization(),
          'osvc-crest-application-context': 'conversation test',
        },
      },
    );
    expect(deleted.status).toBeLessThan(300);
    const afterDeleted = await text(gw, 'anyone there?');
    expect([first, afterSolved].map((m) => m.checkpoint.incidentId)).not.toContain(
      afterDeleted.checkpoint.incidentId,
    );
    expect(await control.incidents()).toHaveLength(2); // the deleted one is gone
  });

  it('sends an agent’s response once, as plain text, from the number the customer texted', async () => {
    const gw = await start();
    const first = await text(gw, 'my power is out');
    const incidentId = first.checkpoint.incidentId!;
    const threadId = await control.addResponse(
      incidentId,
      '<p>Hello! A crew is on its way.</p><p>Details: <a href="https://status.example.com/1">status page</a></p>',
      'text/html',
    );
    const reply = await replySettled(gw, threadId);
    expect(reply.state).toBe('delivered');
    const sent = standIns.sent();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ vendor: 'twilio', from: OUR_NUMBER, to: CUSTOMER });
    expect(sent[0].text).toContain('Hello! A crew is on its way.');
    expect(sent[0].text).toContain('https://status.example.com/1');
    expect(sent[0].text).not.toMatch(/<p>|<a /);
    expect(reply.checkpoint.sent?.vendorMessageId).toBe(sent[0].vendorMessageId);
    // Later polls see the same entry again (they look back) and send nothing more.
    await waitFor('two more polls', async () => {
      const polls = (await control.requests()).filter((r) => r.path === '/queryResults');
      return polls.length >= 3 ? polls : undefined;
    });
    expect(standIns.sent()).toHaveLength(1);
  });

  it('still sends once when the gateway stops between the poll and the send', async () => {
    const opening = await start();
    const first = await text(opening, 'my power is out');
    await opening.close();
    gateway = undefined;
    // This one only polls (no worker): the reply is stored, not sent.
    const pollOnly = await start({ WORKER_ENABLED: 'false' });
    const threadId = await control.addResponse(first.checkpoint.incidentId!, 'We are on it.');
    await waitFor('the reply stored', () =>
      inbox(pollOnly).get('twilio', `reply-b2c-thread-${threadId}`),
    );
    expect(standIns.sent()).toHaveLength(0);
    await pollOnly.close();
    gateway = undefined;
    const sending = await start();
    const reply = await replySettled(sending, threadId);
    expect(reply.state).toBe('delivered');
    expect(standIns.sent().map((s) => s.text)).toEqual(['We are on it.']);
  });

  it('tells the agent in a Note when the vendor refuses the number', async () => {
    const gw = await start();
    const first = await text(gw, 'call me back', STAND_IN_REFUSED_NUMBER);
    const incidentId = first.checkpoint.incidentId!;
    const threadId = await control.addResponse(incidentId, 'Calling you now.');
    const reply = await replySettled(gw, threadId);
    expect(reply.state).toBe('skipped');
    expect(reply.checkpoint.notSent?.code).toBeDefined();
    expect(standIns.sent()).toHaveLength(0);
    const note = await waitFor('the agent’s Note', async () =>
      (await notes(incidentId)).find((t) => t.text.includes('NOT sent as SMS')),
    );
    expect(note.text).toContain(STAND_IN_REFUSED_NUMBER);
  });

  it('honours STOP until START, and tells the agent', async () => {
    const gw = await start();
    const first = await text(gw, 'my power is out');
    const incidentId = first.checkpoint.incidentId!;
    await text(gw, 'Stop');
    expect((await notes(incidentId)).some((t) => t.text.includes('no SMS will be sent'))).toBe(
      true,
    );
    const blocked = await control.addResponse(incidentId, 'Are you still there?');
    expect((await replySettled(gw, blocked)).state).toBe('skipped');
    expect(standIns.sent()).toHaveLength(0);
    expect((await notes(incidentId)).some((t) => t.text.includes('opted out'))).toBe(true);

    await text(gw, 'START');
    const allowed = await control.addResponse(incidentId, 'Welcome back.');
    expect((await replySettled(gw, allowed)).state).toBe('delivered');
    expect(standIns.sent().map((s) => s.text)).toEqual(['Welcome back.']);
  });

  it('looks for an append whose answer was lost before sending it again', async () => {
    // The settle delay outlasts B2C's slow PATCH, as the default (60 s) outlasts a real one.
    const gw = await start({ B2C_TIMEOUT_MS: '400', B2C_SETTLE_DELAY_MS: '1500' });
    const first = await text(gw, 'my power is out');
    const incidentId = first.checkpoint.incidentId!;
    // B2C applies the PATCH but answers after the gateway gave up waiting.
    await control.addFault({
      method: 'PATCH',
      pathPattern: '^/incidents/\\d+$',
      latencyMs: 1_000,
      times: 1,
    });
    const second = await text(gw, 'still out');
    expect(second.checkpoint.incidentId).toBe(incidentId);
    expect((await customerEntries(incidentId)).map((t) => t.text)).toEqual([
      'my power is out',
      'still out',
    ]);
    const patches = (await control.requests()).filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => r.status)).toEqual([200]);
  });

  it('keeps MMS media in the thread of a follow-up', async () => {
    const gw = await start();
    const first = await text(gw, 'my power is out');
    const sid = nextSid();
    const media = 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1';
    const response = await postSigned(
      gw.url,
      smsParams(sid, {
        Body: 'photo of the meter',
        From: CUSTOMER,
        To: OUR_NUMBER,
        NumMedia: '1',
        MediaUrl0: media,
        MediaContentType0: 'image/jpeg',
      }),
    );
    expect(response.status).toBe(200);
    const joined = await waitFor('the MMS delivered', async () => {
      const stored = await inbox(gw).get('twilio', sid);
      return stored?.state === 'delivered' ? stored : undefined;
    });
    expect(joined.checkpoint.incidentId).toBe(first.checkpoint.incidentId);
    const entries = await customerEntries(first.checkpoint.incidentId!);
    expect(entries[1].text).toBe(`photo of the meter\n${media}`);
  });

  it('dead-letters a send whose outcome is unknown, and does not send it again', async () => {
    const gw = await start();
    const first = await text(gw, 'call me', STAND_IN_HANGING_NUMBER);
    const threadId = await control.addResponse(first.checkpoint.incidentId!, 'On my way.');
    const reply = await waitFor(
      'the reply dead-lettered',
      async () => {
        const stored = await inbox(gw).get('twilio', `reply-b2c-thread-${threadId}`);
        return stored?.state === 'dead' ? stored : undefined;
      },
      40_000,
    );
    expect(reply.lastError).toMatchObject({ detail: { outcome: 'unknown' } });
    expect(reply.checkpoint.sendAttemptedAt).toBeUndefined();
    const sends = () =>
      standIns.requests().filter((r) => r.vendor === 'twilio' && r.method === 'POST').length;
    expect(sends()).toBe(1);
    await waitFor('two more polls', async () => {
      const polls = (await control.requests()).filter((r) => r.path === '/queryResults');
      return polls.length >= 3 ? polls : undefined;
    });
    expect(sends()).toBe(1);
  }, 60_000);

  it('updates a sent reply from its delivery receipt, and tells the agent when it failed', async () => {
    const gw = await start();
    const first = await text(gw, 'my power is out');
    const incidentId = first.checkpoint.incidentId!;
    const threadId = await control.addResponse(incidentId, 'A crew is coming.');
    const reply = await replySettled(gw, threadId);
    const vendorMessageId = reply.checkpoint.sent!.vendorMessageId;
    const store = gw.app.get<ConversationStore>(CONVERSATION_STORE);
    expect(await store.getSent('twilio', vendorMessageId)).toMatchObject({
      status: 'queued',
      incidentId,
    });
    const receipt = await twilioKit.send!.receipt(
      'receipt',
      { vendorMessageId, from: OUR_NUMBER, to: CUSTOMER },
      'failed',
    );
    const posted = await fetch(gw.url + receipt.path, {
      method: 'POST',
      headers: receipt.headers,
      body: receipt.body,
    });
    expect(posted.status).toBe(200);
    const sent = await waitFor('the receipt recorded', async () => {
      const row = await store.getSent('twilio', vendorMessageId);
      return row?.status === 'failed' ? row : undefined;
    });
    expect(sent.errorCode).toBe('30003');
    const note = await waitFor('the agent’s Note', async () =>
      (await notes(incidentId)).find((t) => t.text.includes('was not delivered')),
    );
    expect(note.text).toContain('30003');
  });

  it('refuses to start with replies on when a sending vendor lacks its send settings', async () => {
    const env = gatewayEnv({
      emulatorUrl: emulator.url,
      twilioAuthToken: TWILIO_TEST_AUTH_TOKEN,
      extra: { CONVERSATIONS_REPLIES: 'true', ...standIns.env([emulator.url]) },
    });
    // A real process: a start refused half-way leaves nothing running, as main.ts exits.
    const refused = await runGatewayUntilExit(env);
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/vendors\.twilio\.accountSid: is required to send replies/);
    // A vendor without a send API is said at start, and the gateway runs.
    const gw = await start({ VENDOR_TWILIO_VOICE__AUTH_TOKEN: 'voice-token', LOG_LEVEL: 'warn' });
    expect(gw.logs.some((line) => /twilio-voice has no send API/.test(String(line.msg)))).toBe(
      true,
    );
  });

  (TEST_STORAGE_DRIVER === 'postgres' ? it : it.skip)(
    'sends once with two gateway processes on one database',
    async () => {
      const one = await start();
      const first = await text(one, 'my power is out');
      const two = await startInProcessGateway(
        gatewayEnv({
          emulatorUrl: emulator.url,
          twilioAuthToken: TWILIO_TEST_AUTH_TOKEN,
          extra: {
            ...twilioSendStandIn().env,
            ...standIns.env([emulator.url]),
            ...kept,
            ALLOWLIST_OUTBOUND_ALLOW_HTTP_FOR_DEVELOPMENT: 'true',
            CONVERSATIONS_FOLLOW_UPS: 'thread-while-open',
            CONVERSATIONS_REPLIES: 'true',
            CONVERSATIONS_REPLIES_POLL_MS: '1000',
          },
        }),
      );
      try {
        const ids = [];
        for (const words of ['one', 'two', 'three']) {
          ids.push(await control.addResponse(first.checkpoint.incidentId!, words));
        }
        for (const id of ids) expect((await replySettled(one, id)).state).toBe('delivered');
        expect(
          standIns
            .sent()
            .map((s) => s.text)
            .sort(),
        ).toEqual(['one', 'three', 'two']);
      } finally {
        await two.close();
      }
    },
  );
});

function b2cAuthorization(): string {
  const credentials = `${TEST_B2C_USERNAME}:${TEST_B2C_PASSWORD}`;
  return `Basic ${Buffer.from(credentials).toString('base64')}`;
}
