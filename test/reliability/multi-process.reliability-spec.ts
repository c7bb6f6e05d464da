import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { RecordedRequest } from '../../src/emulators/b2c-service/emulator-control';
import { defaultBurst } from '../../src/delivery/flow-control/gcra';
import { signedSinchRequest } from '../../src/vendors/sinch/fixtures/signed-sinch-request';
import { sinchMoText } from '../../src/vendors/sinch/fixtures/sinch-payloads';
import { sleep, waitFor } from '../support/wait-for';
import { postgresAvailableSync } from '../support/postgres';
import { ClusterRig } from './support/cluster-rig';
import { readPostgresInbox } from './support/postgres-inbox-snapshot';
import { senderPhone } from './support/webhook-load';

/** One limit for the three processes together (B2C_RATE_LIMIT_PER_SECOND). */
const RATE = 20;
const LEASE_MS = 2_000;
/** What B2C asks for in the throttling scenario (osvc-crest-next-request-after). */
const PAUSE_MS = 3_000;
/**
 * Requests the other processes had already sent, or were sending, when the 503 was answered:
 * they learn of the pause through the database (NOTIFY), not instantly.
 */
const PAUSE_GRACE_MS = 100;

const POSTGRES = postgresAvailableSync('multi-process reliability');
const describeWithPostgres = POSTGRES ? describe : describe.skip;

/**
 * Three gateway processes on one PostgreSQL database (STORAGE_DRIVER=postgres) and one B2C
 * emulator: what one process does the others must honour, whichever of them a vendor reaches.
 * The scenarios run in order on the same processes; each waits for its own messages to be
 * delivered and checks them, and the last one checks everything the file sent.
 */
describeWithPostgres('reliability: three gateway processes on one PostgreSQL database', () => {
  let rig: ClusterRig;

  beforeAll(async () => {
    const started = Date.now();
    rig = await ClusterRig.start({
      nodes: 3,
      env: {
        WORKER_LEASE_MS: String(LEASE_MS),
        B2C_RATE_LIMIT_PER_SECOND: String(RATE),
      },
    });
    console.log(`multi-process: three gateways up in ${Date.now() - started} ms`);
  }, 120_000);
  // A failed scenario is run again after the rest of the file (retry-once.ts): whatever ran in
  // between, such as the SIGKILL scenario, must leave all three processes running.
  afterEach(async () => {
    for (const node of rig?.nodes ?? []) if (!node.gateway) await rig.startNode(node);
  }, 60_000);
  afterAll(async () => {
    await rig?.dispose();
  });

  /** Fails with the processes' output, which says why far better than a count. */
  function expectNoViolations(violations: string[]): void {
    if (violations.length > 0) {
      throw new Error(
        `${violations.join('\n')}\n\ngateway output:\n${rig.output().slice(-20_000)}`,
      );
    }
  }

  it('spreads webhooks over all three; a vendor retry at another process stays a duplicate', async () => {
    await rig.emulator.control.clearRequests();
    // More senders than two processes have worker slots (2 × 4): a sender's messages go one at
    // a time, and the process that finishes one claims the next before the others hear of it,
    // so with 6 senders two processes could hold them all and leave the third without work.
    // 12 senders at one message per 500 ms each keep the same 24 webhooks/s.
    const load = rig.newLoad({ senders: 12, firstSender: 100, pauseMs: 500 });
    load.start();
    const [a, b] = rig.urls;
    // The same signed request (a vendor retry after a lost answer) first to A, then to B.
    const retried = await load.sendToEach(senderPhone(9), [a, b]);
    await sleep(2_500); // the load runs meanwhile
    const summary = await load.stop();
    const drain = await rig.drain();

    const { report, emulator } = await rig.check(load.webhooks);
    const requests = await rig.emulator.control.requests();
    const acksByNode = rig.nodes.map(
      (node) => load.sendLog.filter((s) => s.target === node.url && s.outcome === '200').length,
    );
    const createsByNode = rig.countByNode(requests.filter(isIncidentCreate));
    console.log(
      `spread: ${summary.acked}/${summary.sent} acknowledged, acks per process ${acksByNode.join('/')}, ` +
        `incident creates per process ${JSON.stringify(createsByNode)}, drained in ${drain.ms} ms`,
    );
    expectNoViolations(report.violations);
    expect(retried.outcomes).toEqual(['200', '200']);
    expect(emulator.incidentsBySid.get(retried.messageSid)).toHaveLength(1);
    expect(await inboxRows('twilio', retried.messageSid)).toBe(1);
    expect(summary.unacked).toBe(0);
    // Every process took webhooks and delivered some: the work really was shared.
    for (const acks of acksByNode) expect(acks).toBeGreaterThan(0);
    for (const creates of Object.values(createsByNode)) expect(creates).toBeGreaterThan(0);
  });

  it('refuses at one process a nonce another process has already used', async () => {
    const [a, b] = rig.urls;
    const id = `01MP${randomBytes(11).toString('hex').toUpperCase()}`;
    const signed = signedSinchRequest(sinchMoText(id));
    const first = await post(a, signed);
    const replay = await post(b, signed);
    // Control: B does take Sinch's webhooks, and this message, with a nonce of its own (as Sinch
    // signs every retry): the refusal above is about the used nonce alone.
    const freshNonce = await post(b, signedSinchRequest(sinchMoText(id)));
    await rig.drain();
    const { emulator } = await rig.check(new Map());

    expect(first.status).toBe(200);
    expect(replay.status).toBe(401);
    expect(replay.contentType).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(replay.body)).toMatchObject({ detail: expect.stringMatching(/replay/) });
    expect(freshNonce.status).toBe(200);
    expect(await inboxRows('sinch', id)).toBe(1);
    expect(emulator.otherVendors.get(`sinch/${id}`)).toHaveLength(1);
  });

  it('makes one contact of a new sender whose 30 messages reach all three at once', async () => {
    await rig.emulator.control.clearRequests();
    const load = rig.newLoad();
    const phone = senderPhone(20);
    const started = Date.now();
    // All at once, round robin: every process stores some and races to deliver them.
    const sent = await Promise.all(Array.from({ length: 30 }, () => load.sendOne(phone)));
    const drain = await rig.drain();

    const { report, emulator } = await rig.check(load.webhooks);
    const requests = await rig.emulator.control.requests();
    const createsByNode = rig.countByNode(requests.filter(isIncidentCreate));
    console.log(
      `one sender: 30 messages delivered in ${Date.now() - started} ms (drain ${drain.ms} ms); ` +
        `contact creates ${requests.filter((r) => r.method === 'POST' && r.path === '/contacts').length}, ` +
        `incident creates per process ${JSON.stringify(createsByNode)}`,
    );
    expectNoViolations(report.violations);
    expect(sent.every((webhook) => webhook.acked)).toBe(true);
    expect(emulator.contactsByPhone.get(phone)).toHaveLength(1);
    expect(sent.map((webhook) => emulator.incidentsBySid.get(webhook.messageSid)?.length)).toEqual(
      sent.map(() => 1),
    );
  });

  it(`holds B2C_RATE_LIMIT_PER_SECOND=${RATE} for the three together, within 10%`, async () => {
    const load = rig.newLoad();
    // A backlog first: B2C is unreachable (its port closed) while 90 messages of 15 senders are
    // acknowledged, so that every process has a queue waiting for B2C when it returns. The
    // measurement then covers the drain alone, not the intake burst, whose work (in the
    // gateways, and in this process, which hosts the emulator) would skew the arrival times.
    await rig.emulator.stop();
    const sent = await Promise.all(
      Array.from({ length: 90 }, (_, i) => load.sendOne(senderPhone(30 + (i % 15)))),
    );
    await rig.emulator.start(); // same port and data; an empty request log
    const drain = await rig.drain();
    const { report } = await rig.check(load.webhooks);

    const requests = await rig.emulator.control.requests();
    const times = requests.map((r) => Date.parse(r.at)).sort((x, y) => x - y);
    const busiest = busiestSecond(times);
    const spanS = (times[times.length - 1] - times[0]) / 1000;
    const sustained = (times.length - 1) / spanS;
    const burst = defaultBurst(RATE);
    const allowed = RATE * 1.1 + burst;
    const perProcess = rig.countByNode(requests);
    console.log(
      `rate: ${times.length} B2C requests in ${spanS.toFixed(2)} s, sustained ` +
        `${sustained.toFixed(2)}/s, busiest 1-s window ${busiest} (allowed ${allowed}: ` +
        `${RATE} × 1.1 + burst ${burst}); per process ${JSON.stringify(perProcess)}; ` +
        `drained in ${drain.ms} ms`,
    );
    expectNoViolations(report.violations);
    expect(sent.every((webhook) => webhook.acked)).toBe(true);
    expect(busiest).toBeLessThanOrEqual(allowed);
    expect(sustained).toBeLessThanOrEqual(RATE * 1.1);
    // The backlog kept the limit busy (otherwise the window says nothing about it), and all
    // three processes drew on it: one process alone would not show a shared limit.
    expect(sustained).toBeGreaterThan(RATE * 0.7);
    for (const count of Object.values(perProcess)) expect(count).toBeGreaterThan(10);
  });

  it('stops every process when one is told to pause (503 OSC-CREST-00035)', async () => {
    await rig.emulator.control.clearRequests();
    const load = rig.newLoad();
    await Promise.all(
      Array.from({ length: 72 }, (_, i) => load.sendOne(senderPhone(50 + (i % 12)))),
    );
    // Only once all three are calling B2C does the pause have something to stop in each.
    await waitFor(
      'all three processes to call B2C within one second',
      async () => {
        const recent = (await rig.emulator.control.requests()).filter(
          (r) => Date.parse(r.at) > Date.now() - 1_000,
        );
        return Object.values(rig.countByNode(recent)).every((n) => n > 0) ? true : undefined;
      },
      15_000,
      50,
    );
    await rig.emulator.control.addFault({
      status: 503,
      errorCode: 'OSC-CREST-00035',
      headers: { 'osvc-crest-next-request-after': String(PAUSE_MS) },
      times: 1,
    });
    const throttled = await waitFor(
      'the throttling answer',
      async () => (await rig.emulator.control.requests()).find((r) => r.status === 503),
      10_000,
      20,
    );
    const drain = await rig.drain();
    const { report } = await rig.check(load.webhooks);

    const requests = await rig.emulator.control.requests();
    const at503 = Date.parse(throttled.at);
    const between = (from: number, to: number) =>
      requests.filter((r) => Date.parse(r.at) > from && Date.parse(r.at) < to);
    // The pause ends PAUSE_MS after the gateway read the 503, which it did after the emulator
    // recorded it: nothing may arrive before at503 + PAUSE_MS.
    const duringPause = between(at503 + PAUSE_GRACE_MS, at503 + PAUSE_MS);
    const before = rig.countByNode(between(at503 - 1_500, at503));
    const grace = rig.countByNode(between(at503, at503 + PAUSE_GRACE_MS));
    const after = rig.countByNode(between(at503 + PAUSE_MS - 1, Number.POSITIVE_INFINITY));
    const firstAfter = requests.find((r) => Date.parse(r.at) >= at503 + PAUSE_GRACE_MS);
    console.log(
      `pause: 503 to ${rig.nodeOf(throttled)?.name ?? '?'} (${throttled.method} ${throttled.path}); ` +
        `requests per process in the 1.5 s before ${JSON.stringify(before)}, in the ` +
        `${PAUSE_GRACE_MS} ms grace ${JSON.stringify(grace)}, during the pause ` +
        `${duringPause.length}, after it ${JSON.stringify(after)}; first request ` +
        `${firstAfter ? Date.parse(firstAfter.at) - at503 : '-'} ms after the 503; ` +
        `throttled answers ${requests.filter((r) => r.status === 503).length}; drained in ${drain.ms} ms`,
    );
    expectNoViolations(report.violations);
    expect(describeRequests(duringPause)).toEqual([]);
    expect(requests.filter((r) => r.status === 503)).toHaveLength(1);
    // They did go on afterwards (the backlog outlasted the pause), and delivered everything.
    expect(Object.values(after).filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
  });

  it('finishes the deliveries of a process killed with SIGKILL once its leases expire', async () => {
    await rig.emulator.control.clearRequests();
    // Incident creates take a while, so the victim is killed with creates in flight: B2C makes
    // the incident after the process is gone, and whoever takes over must find it, not repeat it.
    await rig.emulator.control.addFault({
      method: 'POST',
      pathPattern: '^/incidents$',
      latencyMs: 500,
    });
    const victim = rig.nodes[2];
    const load = rig.newLoad({ senders: 6, firstSender: 70, pauseMs: 200 });
    load.start();
    const inFlight = await waitFor(
      `an incident create of gateway ${victim.name} in flight`,
      async () => {
        const requests = await rig.emulator.control.requests();
        const mine = requests.filter(
          (r) => isIncidentCreate(r) && r.status === null && rig.nodeOf(r) === victim,
        );
        return mine.length > 0 ? mine : undefined;
      },
      20_000,
      20,
    );
    const killedAt = Date.now();
    const exit = await rig.stopNode(victim, 'SIGKILL');
    const held = [...(await readPostgresInbox(rig.databaseUrl)).values()].filter(
      (row) => row.state === 'pending' && row.leaseOwner?.split('-')[1] === String(victim.pid),
    );
    await sleep(2_000); // the load goes on: sends to the dead process fail over to the others
    const summary = await load.stop();
    await rig.emulator.control.clearFaults();
    const drain = await rig.drain();

    const inbox = await readPostgresInbox(rig.databaseUrl);
    const takenOver = held.map((row) => ({ before: row, after: inbox.get(row.messageId)! }));
    const refusedByVictim = load.sendLog.filter(
      (s) => s.target === victim.url && !/^2\d\d$/.test(s.outcome),
    ).length;
    const { report } = await rig.check(); // everything the file sent
    const lastTakeover = Math.max(...takenOver.map(({ after }) => after.updatedAt));
    console.log(
      `SIGKILL: gateway ${victim.name} killed with ${inFlight.length} incident create(s) in ` +
        `flight and ${held.length} message(s) leased; they were finished ` +
        `${lastTakeover - killedAt} ms after the kill (lease ${LEASE_MS} ms); ` +
        `${summary.acked}/${summary.sent} acknowledged, ${refusedByVictim} sends to the dead ` +
        `process failed over; whole file: ${report.acked} acknowledged, ${report.incidents} ` +
        `incidents; drained in ${drain.ms} ms`,
    );
    expect(exit.signal).toBe('SIGKILL');
    expectNoViolations(report.violations);
    expect(held.length).toBeGreaterThan(0);
    for (const { before, after } of takenOver) {
      expect(after.state).toBe('delivered');
      // Taken over only once the dead process's lease had run out, never beside it.
      expect(after.updatedAt).toBeGreaterThanOrEqual(before.leaseExpiresAt!);
      expect(after.leaseToken).toBeGreaterThan(before.leaseToken);
    }
    // A send the dead process refused was sent again to a live one and acknowledged there (the
    // webhooks left unacknowledged are those whose sender was stopped before it could re-send).
    expect(refusedByVictim).toBeGreaterThan(0);
    const resent = [...load.webhooks.values()].filter((w) => w.outcomes.length > 1);
    expect(resent.filter((w) => !w.acked)).toEqual([]);

    // A process whose lease was taken over, or a create the emulator was still holding, would
    // show up as a late request: that is an absence, which only a window can show.
    await rig.emulator.control.clearRequests();
    await sleep(1_000);
    expect(describeRequests(await rig.emulator.control.requests())).toEqual([]);
  });

  async function inboxRows(vendor: string, messageId: string): Promise<number> {
    const client = new Client({ connectionString: rig.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM inbox_messages WHERE vendor = $1 AND message_id = $2',
        [vendor, messageId],
      );
      return rows[0].n;
    } finally {
      await client.end();
    }
  }

  function describeRequests(requests: readonly RecordedRequest[]): string[] {
    return requests.map(
      (r) => `${r.at} ${rig.nodeOf(r)?.name ?? '?'} ${r.method} ${r.path} → ${r.status ?? '…'}`,
    );
  }
});

function isIncidentCreate(request: RecordedRequest): boolean {
  return request.method === 'POST' && request.path === '/incidents';
}

/** The most requests arriving within any 1000 ms (each window starting at a request). */
function busiestSecond(sortedTimes: readonly number[]): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < sortedTimes.length; end += 1) {
    while (sortedTimes[end] - sortedTimes[start] >= 1_000) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

async function post(
  gatewayUrl: string,
  signed: { path: string; headers: Record<string, string>; body: string },
): Promise<{ status: number; contentType: string; body: string }> {
  const response = await fetch(gatewayUrl + signed.path, {
    method: 'POST',
    headers: signed.headers,
    body: signed.body,
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body: await response.text(),
  };
}
