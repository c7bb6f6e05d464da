import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StoreUnavailableError } from '../../../common/problem/gateway-error';
import type { InboundMessage } from '../../../messages/inbound-message';
import { SQLITE_INBOX_MIGRATIONS } from './sqlite-inbox.migrations';
import { InboxLockedError, SqliteInboxStore } from './sqlite-inbox.store';

function message(messageId: string, from = '+14155552671'): InboundMessage {
  return {
    vendor: 'twilio',
    messageId,
    kind: 'sms',
    from,
    to: '+14155550100',
    text: `hello ${messageId}`,
    media: [],
    receivedAt: new Date(0).toISOString(),
    raw: { MessageSid: messageId },
  };
}

async function openStore(
  file = join(mkdtempSync(join(tmpdir(), 'inbox-')), 'inbox.sqlite'),
  now?: () => number,
) {
  return {
    file,
    store: await SqliteInboxStore.open({
      file,
      groupCommitMaxBatch: 512,
      groupCommitWindowMs: 0,
      now,
    }),
  };
}

describe('SqliteInboxStore', () => {
  it('stores a message once and reports a redelivery as a duplicate', async () => {
    const { store } = await openStore();
    expect(await store.accept([message('SM1')])).toEqual({ outcomes: ['stored'] });
    expect(await store.accept([message('SM1')])).toEqual({ outcomes: ['duplicate'] });
    expect(await store.counts()).toEqual({ pending: 1, delivered: 0, skipped: 0, dead: 0 });
    await store.close();
  });

  it('claims a replay key with its messages: a second claim stores nothing until the key expires', async () => {
    let now = 1_000;
    const { file, store } = await openStore(undefined, () => now);
    const claim = { key: 'sinch:nonce-1', expiresAt: 5_000 };
    expect(await store.accept([message('R1')], claim)).toEqual({ outcomes: ['stored'] });
    // Same nonce, a new message: a replay, refused whole, even inside one commit group.
    const [again, concurrent] = await Promise.all([
      store.accept([message('R2')], claim),
      store.accept([message('R3')], claim),
    ]);
    expect(again).toEqual({ outcomes: [], replayed: true });
    expect(concurrent).toEqual({ outcomes: [], replayed: true });
    expect(await store.get('twilio', 'R2')).toBeUndefined();
    // Another key is independent; an expired key may be claimed again.
    expect(await store.accept([message('R4')], { key: 'sinch:nonce-2', expiresAt: 5_000 })).toEqual(
      { outcomes: ['stored'] },
    );
    now = 5_000;
    expect(await store.accept([message('R5')], { key: 'sinch:nonce-1', expiresAt: 9_000 })).toEqual(
      { outcomes: ['stored'] },
    );
    // Expired keys are forgotten as new ones are claimed, so the table stays bounded.
    now = 20_000;
    await store.accept([message('R6')], { key: 'sinch:nonce-3', expiresAt: 30_000 });
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT key FROM replay_keys').all()).toEqual([{ key: 'sinch:nonce-3' }]);
    db.close();
  });

  it('dedupes concurrent deliveries of one message committed in the same group', async () => {
    const { store } = await openStore();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => store.accept([message('SM2')])),
    );
    expect(results.flatMap((r) => r.outcomes).sort()).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
      'stored',
    ]);
    expect(store.commitStats.commits).toBe(1);
    await store.close();
  });

  it('keeps messages, checkpoints and dead letters across a reopen', async () => {
    const { file, store } = await openStore();
    await store.accept([message('SM3'), message('SM4', '+14155552672')]);
    const [first, second] = await store.claim('gateway-a', 10, 30_000);
    await store.saveCheckpoint(first.lease, { contactId: 7, incidentAttemptedAt: 123 });
    await store.deadLetter(second.lease, 1, {
      message: 'B2C answered 400',
      detail: { status: 400 },
    });
    await store.close();

    const reopened = await SqliteInboxStore.open({
      file,
      groupCommitMaxBatch: 10,
      groupCommitWindowMs: 0,
    });
    // The file is one process's: a lease the closed store held ended with it.
    const pending = await reopened.claim('gateway-b', 10, 30_000);
    expect(pending.map((m) => [m.message.messageId, m.checkpoint])).toEqual([
      ['SM3', { contactId: 7, incidentAttemptedAt: 123 }],
    ]);
    const [dead] = await reopened.list('dead', 10);
    expect(dead.message.messageId).toBe('SM4');
    expect(dead.lastError).toEqual({ message: 'B2C answered 400', detail: { status: 400 } });
    await reopened.close();
  });

  it('pages dead letters in arrival order, and requeues one, one vendor’s or all of them', async () => {
    let now = 1_000;
    const { store } = await openStore(undefined, () => now);
    const other = { ...message('V1', '+14155552674'), vendor: 'vonage-sms' };
    await store.accept([
      message('D1', '+14155552671'),
      message('D2', '+14155552672'),
      message('D3', '+14155552673'),
      other,
      message('OK', '+14155552675'),
    ]);
    const rows = await store.claim('gateway-a', 10, 30_000);
    const claimOf = (id: string) => rows.find((row) => row.message.messageId === id)!;
    const seqOf = (id: string) => claimOf(id).seq;
    for (const id of ['D1', 'D2', 'D3', 'V1']) {
      await store.saveCheckpoint(claimOf(id).lease, { contactId: 7, incidentAttemptedAt: 900 });
      await store.deadLetter(claimOf(id).lease, 4, { message: `B2C refused ${id}` });
    }
    const ids = (page: { message: InboundMessage }[]) => page.map((m) => m.message.messageId);
    const firstPage = await store.list('dead', 2);
    expect(ids(firstPage)).toEqual(['D1', 'D2']);
    expect(ids(await store.list('dead', 2, firstPage[1].seq))).toEqual(['D3', 'V1']);

    now = 2_000;
    // Only a dead message is requeued: a pending one, or one that does not exist, is not.
    expect(await store.requeueDead({ seq: seqOf('OK') })).toBe(0);
    expect(await store.requeueDead({ seq: 999_999 })).toBe(0);
    expect(await store.requeueDead({ seq: seqOf('D2') })).toBe(1);
    // OK is still leased, so only the requeued D2 is claimable.
    const [d2] = await store.claim('gateway-a', 10, 30_000);
    // Due now, attempts reset, checkpoint and the reason it died kept until the next attempt.
    expect(d2).toMatchObject({
      state: 'pending',
      attempts: 0,
      nextAttemptAt: 2_000,
      checkpoint: { contactId: 7, incidentAttemptedAt: 900 },
      lastError: { message: 'B2C refused D2' },
    });
    expect(await store.requeueDead({ seq: seqOf('D2') })).toBe(0);

    expect(await store.requeueDead({ all: true, vendor: 'vonage-sms' })).toBe(1);
    expect(ids(await store.list('dead', 10))).toEqual(['D1', 'D3']);
    expect(await store.count('dead')).toBe(2);
    expect(await store.requeueDead({ all: true })).toBe(2);
    expect(await store.counts()).toEqual({ pending: 5, delivered: 0, skipped: 0, dead: 0 });
    expect([await store.count('pending'), await store.count('dead')]).toEqual([5, 0]);
    await store.close();
  });

  it('hands out due messages oldest first, honouring retry times and leases', async () => {
    const { store } = await openStore();
    await store.accept([message('A', '+14155552671')]);
    await store.accept([message('B', '+14155552672')]);
    await store.accept([message('C', '+14155552673')]);
    const [a, b] = await store.claim('gateway-a', 2, 30_000);
    expect([a.message.messageId, b.message.messageId]).toEqual(['A', 'B']);
    await store.scheduleRetry(a.lease, 1, Date.now() + 60_000, { message: 'timeout' });
    const now = Date.now();
    expect((await store.claim('gateway-a', 10, 30_000)).map((m) => m.message.messageId)).toEqual([
      'C',
    ]);
    expect(await store.nextDueAt()).toBeLessThanOrEqual(now);
    await store.markDelivered(b.lease, 'delivered', { contactId: 1, incidentId: 2 });
    expect((await store.get('twilio', 'B'))?.state).toBe('delivered');
    await store.close();
  });

  it('adopts an inbox made before migrations were recorded: rows kept, senders filled in', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'inbox-old-')), 'inbox.sqlite');
    const old = new Database(file);
    old.exec(SQLITE_INBOX_MIGRATIONS[0].sql);
    old
      .prepare(
        `INSERT INTO inbox_messages (vendor, message_id, payload, next_attempt_at, received_at,
         updated_at) VALUES ('twilio', 'OLD', ?, 0, 0, 0)`,
      )
      .run(JSON.stringify(message('OLD', '+14155559999')));
    old.close();
    const { store } = await openStore(file);
    const [claimed] = await store.claim('gateway-a', 1, 30_000);
    expect(claimed.message.messageId).toBe('OLD');
    expect(claimed.lease.sender).toBe('+14155559999');
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual(
      SQLITE_INBOX_MIGRATIONS.map(({ version }) => ({ version })),
    );
    db.close();
  });

  it('refuses a file migrated by a newer gateway', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'inbox-new-')), 'inbox.sqlite');
    const { store } = await openStore(file);
    await store.close();
    const db = new Database(file);
    db.prepare(
      `INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'x', 0)`,
    ).run();
    db.close();
    await expect(openStore(file)).rejects.toThrow(/schema is at version 99, newer than/);
  });

  it('refuses a second process-level owner of the same file', async () => {
    const { file, store } = await openStore();
    await expect(
      SqliteInboxStore.open({ file, groupCommitMaxBatch: 1, groupCommitWindowMs: 0 }),
    ).rejects.toBeInstanceOf(InboxLockedError);
    await store.close();
  });

  it('rejects with StoreUnavailableError when the file cannot be written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inbox-ro-'));
    const { store } = await openStore(join(dir, 'inbox.sqlite'));
    await store.accept([message('before')]);
    // A connection that may no longer write stands for a disk that refuses writes.
    await store.pragma('query_only = ON');
    await expect(store.accept([message('after')])).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.probeWrite()).rejects.toThrow(/the inbox could not commit/);
    await store.pragma('query_only = OFF');
    await expect(store.accept([message('after')])).resolves.toEqual({ outcomes: ['stored'] });
    await store.close();
  });
});
