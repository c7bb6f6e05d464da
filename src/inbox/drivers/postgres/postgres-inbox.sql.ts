/**
 * The PostgreSQL inbox's statements. Every value is a parameter; times are epoch ms from the
 * store's clock, never the server's, so that every process (and every test) agrees on "now".
 *
 * Lease invariant the statements keep: a row (sender, seq, token) in sender_leases exists exactly
 * while message `seq` is pending and held with `lease_token = token` (lease_expires_at set). A
 * claim sets both, every write that ends or gives up a lease clears both, in one statement. Lock
 * order is always the message row first, then the sender's lease row, so claims and fenced writes
 * never wait on each other in a cycle.
 */

/** Fields of a message as the store maps them; BIGINT columns come back as strings. */
const COLUMNS = [
  'seq',
  'payload',
  'state',
  'attempts',
  'next_attempt_at',
  'checkpoint',
  'last_error',
  'received_at',
  'updated_at',
];
const MESSAGE_COLUMNS = COLUMNS.join(', ');
const LEASED_COLUMNS = [...COLUMNS, 'sender', 'lease_owner', 'lease_token', 'lease_expires_at']
  .map((column) => `m.${column}`)
  .join(', ');

/** The lease is still this one: not re-claimed (token), not ended or given up (pending, held). */
const HELD = `seq = $1 AND lease_token = $2 AND state = 'pending' AND lease_expires_at IS NOT NULL`;

export const WAKE_CHANNEL = 'gateway_inbox_wake';

/**
 * Every message of a commit group in one statement, in group order (so seq follows arrival).
 * The payloads come as one JSON array of strings rather than text[]: node-pg escapes a text[]
 * element by element in JavaScript, several times slower than JSON.stringify for JSON payloads
 * full of quotes, and the server reads the JSON array faster too. The wake-up rides on each
 * inserted row: PostgreSQL folds a transaction's identical notifications into one, sends it
 * only on commit, and sends none when nothing was inserted. $6 channel, $7 payload.
 *
 * A message already held counts its re-sends in the same statement (DO UPDATE, which locks the
 * row and so counts every concurrent re-send). The rows must be distinct keys, since DO UPDATE
 * may touch a row once per statement: $8 carries how many more times the group holds each one,
 * stored as they are for a new row and added (with this send) to an existing one. `inserted`
 * tells the two apart (a row a statement inserted has no xmax).
 */
export const INSERT_MESSAGES = `
INSERT INTO inbox_messages AS m (vendor, message_id, sender, payload, next_attempt_at,
  received_at, updated_at, duplicates)
SELECT vendor, message_id, sender, payload, at, at, at, extra
FROM ROWS FROM (unnest($1::text[]), unnest($2::text[]), unnest($3::text[]),
  json_array_elements_text($4::json), unnest($5::bigint[]), unnest($8::int[])) WITH ORDINALITY
  AS r(vendor, message_id, sender, payload, at, extra, i)
ORDER BY i
ON CONFLICT (vendor, message_id) DO UPDATE SET duplicates = m.duplicates + excluded.duplicates + 1
RETURNING m.vendor, m.message_id, (m.xmax = 0) AS inserted,
  CASE WHEN m.xmax = 0 THEN pg_notify($6, $7) END AS woke`;

/** SKIP LOCKED: processes forgetting at the same time take different keys, never wait. */
export const FORGET_REPLAYS = `
DELETE FROM replay_keys WHERE key IN (
  SELECT key FROM replay_keys WHERE expires_at <= $1
  ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)`;

/** Keys sorted, so two batches claiming the same keys lock them in one order. */
export const CLAIM_REPLAYS = `
INSERT INTO replay_keys AS k (key, expires_at)
SELECT key, expires_at FROM unnest($1::text[], $2::bigint[]) AS r(key, expires_at) ORDER BY key
ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE k.expires_at <= $3
RETURNING key`;

export const PROBE = `
INSERT INTO inbox_probe (id, at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET at = excluded.at`;

export const NOTIFY = `SELECT pg_notify($1, $2)`;

/**
 * A sender lease blocks its sender's messages while unexpired; once expired it still blocks every
 * message but its own while that one is pending under it, so an expired lease is taken over by
 * re-claiming the same message (which bumps its token and so fences the old holder) and never by
 * leasing the sender's next message beside it.
 */
const SENDER_LEASE_BLOCKS = `
  l.expires_at > $1 OR (l.seq <> m.seq AND EXISTS (
    SELECT 1 FROM inbox_messages held
    WHERE held.seq = l.seq AND held.state = 'pending' AND held.lease_token = l.token))`;

/**
 * Walks the due index oldest first; the anti-join is a primary-key probe per row. Rows another
 * claim has locked are skipped, not waited for. The locked rows are ours until commit, so their
 * token cannot move before the lease statement below reads it.
 */
export const CLAIM_CANDIDATES = `
SELECT m.seq, m.sender
FROM inbox_messages m
WHERE m.state = 'pending' AND m.next_attempt_at <= $1
  AND NOT EXISTS (
    SELECT 1 FROM sender_leases l WHERE l.sender = m.sender AND (${SENDER_LEASE_BLOCKS}))
ORDER BY m.next_attempt_at, m.seq
LIMIT $2
FOR UPDATE OF m SKIP LOCKED`;

/**
 * The sender's primary key is what makes a claim exclusive across processes: two claims of one
 * sender serialize on it, and the second re-checks the first's row (ON CONFLICT sees the latest
 * committed version, not its snapshot) and leases nothing while it blocks. Senders are inserted
 * in sorted order so concurrent claims lock them in one order. The message takes the token the
 * lease row got, read from the row this transaction already locked.
 *
 * $1 senders, $2 seqs, $3 owner, $4 lease expiry, $5 now.
 */
export const TAKE_LEASES = `
WITH chosen AS (
  SELECT c.sender, c.seq, m.lease_token + 1 AS token
  FROM unnest($1::text[], $2::bigint[]) AS c(sender, seq)
  JOIN inbox_messages m ON m.seq = c.seq AND m.state = 'pending'
), leased AS (
  INSERT INTO sender_leases AS l (sender, seq, token, owner, expires_at)
  SELECT sender, seq, token, $3, $4 FROM chosen ORDER BY sender
  ON CONFLICT (sender) DO UPDATE
    SET seq = excluded.seq, token = excluded.token, owner = excluded.owner,
        expires_at = excluded.expires_at
    WHERE l.expires_at <= $5 AND (l.seq = excluded.seq OR NOT EXISTS (
      SELECT 1 FROM inbox_messages held
      WHERE held.seq = l.seq AND held.state = 'pending' AND held.lease_token = l.token))
  RETURNING l.seq, l.token
)
UPDATE inbox_messages m
SET lease_owner = $3, lease_token = leased.token, lease_expires_at = $4
FROM leased WHERE m.seq = leased.seq
RETURNING ${LEASED_COLUMNS}`;

/** $3 checkpoint, $4 now, $5 the incident id it names (the message log's column). */
export const SAVE_CHECKPOINT = `
UPDATE inbox_messages SET checkpoint = $3, updated_at = $4, incident_id = $5
WHERE ${HELD} RETURNING seq`;

/**
 * Ends a lease, making `change` to the message. The sender's row goes with it only when it is
 * still this lease's (same seq and token), and only after the message row is locked and updated:
 * the DELETE joins the UPDATE's output, so it cannot lock the lease row first. Like every fenced
 * statement here, it returns a row when the lease was still held (and the write made), else none.
 */
function endLease(change?: string): string {
  return `
WITH ended AS (
  UPDATE inbox_messages
  SET ${change ? `${change}, ` : ''}lease_owner = NULL, lease_expires_at = NULL
  WHERE ${HELD}
  RETURNING seq, sender
), freed AS (
  DELETE FROM sender_leases l USING ended
  WHERE l.sender = ended.sender AND l.seq = ended.seq AND l.token = $2
)
SELECT seq FROM ended`;
}

/** $3 state, $4 checkpoint, $5 now, $6 incident id. */
export const MARK_DELIVERED = endLease(
  'state = $3, checkpoint = $4, last_error = NULL, updated_at = $5, incident_id = $6',
);
/** $3 attempts, $4 next attempt at, $5 error, $6 now. */
export const SCHEDULE_RETRY = endLease(
  'attempts = $3, next_attempt_at = $4, last_error = $5, updated_at = $6',
);
/** $3 attempts, $4 error, $5 now. */
export const DEAD_LETTER = endLease(
  `state = 'dead', attempts = $3, last_error = $4, updated_at = $5`,
);
/** Gives the lease up: nothing about the message changes but that it is claimable at once. */
export const RELEASE = endLease();

/** $3 new expiry. Both rows, message first; a row comes back when the sender's was extended. */
export const RENEW = `
WITH renewed AS (
  UPDATE inbox_messages SET lease_expires_at = $3 WHERE ${HELD}
  RETURNING seq, sender
), extended AS (
  UPDATE sender_leases l SET expires_at = $3 FROM renewed
  WHERE l.sender = renewed.sender AND l.seq = renewed.seq AND l.token = $2
  RETURNING l.seq
)
SELECT seq FROM extended`;

export const NEXT_DUE = `
SELECT min(next_attempt_at) AS at FROM inbox_messages WHERE state = 'pending'`;

export const GET = `
SELECT ${MESSAGE_COLUMNS} FROM inbox_messages WHERE vendor = $1 AND message_id = $2`;

/** What the message log shows of a message, beyond the stored message itself. */
export const LOGGED_COLUMNS = [
  ...COLUMNS,
  'sender',
  'duplicates',
  'incident_id',
  'lease_expires_at',
].join(', ');

export const FIND = `SELECT ${LOGGED_COLUMNS} FROM inbox_messages WHERE seq = $1`;

export const LIST = `
SELECT ${MESSAGE_COLUMNS} FROM inbox_messages WHERE state = $1 AND seq > $2 ORDER BY seq LIMIT $3`;

/** last_error stays: it is why the message died, until the next attempt replaces it. */
const REQUEUE = `
UPDATE inbox_messages SET state = 'pending', attempts = 0, next_attempt_at = $1, updated_at = $1
WHERE state = 'dead'`;
export const REQUEUE_ONE = `${REQUEUE} AND seq = $2`;
export const REQUEUE_VENDOR = `${REQUEUE} AND vendor = $2`;
export const REQUEUE_ALL = REQUEUE;
export const REQUEUE_SEQS = `${REQUEUE} AND seq = ANY($2::bigint[])`;

export const COUNTS = `SELECT state, count(*)::int AS n FROM inbox_messages GROUP BY state`;
export const COUNT = `SELECT count(*)::int AS n FROM inbox_messages WHERE state = $1`;
