import type { MessageFilter, MessagePosition } from '../inbox-store.port';

/**
 * The message log's statements, in SQL both drivers read alike (row values, partial indexes).
 * Every value is bound: `bind` adds one to the statement's parameters and returns its
 * placeholder (`?` for SQLite, `$n` for PostgreSQL), so the text depends only on which filters
 * are set and each driver can keep its prepared statements by text.
 *
 * Newest first is (received_at, seq) descending: every filter has an index that ends in those
 * two columns (migration 3 of each driver), so a page is an index range read, never a sort.
 */
export type Bind = (value: unknown) => string;

/** WHERE terms of `filter`; `now` decides which leases are live (`delivering`). */
export function filterTerms(filter: MessageFilter, now: number, bind: Bind): string[] {
  const terms: string[] = [];
  if (filter.vendor !== undefined) terms.push(`vendor = ${bind(filter.vendor)}`);
  if (filter.state === 'delivering') {
    // Only a pending message holds a lease (every write that ends a delivery clears it, in both
    // drivers), so this needs no state term; without one, the small lease index serves it
    // instead of a walk through a backlog of pending messages.
    terms.push(`lease_expires_at IS NOT NULL AND lease_expires_at > ${bind(now)}`);
  } else if (filter.state === 'pending') {
    terms.push(
      `state = 'pending' AND (lease_expires_at IS NULL OR lease_expires_at <= ${bind(now)})`,
    );
  } else if (filter.state !== undefined) {
    terms.push(`state = ${bind(filter.state)}`);
  }
  if (filter.receivedFrom !== undefined) {
    terms.push(`received_at >= ${bind(filter.receivedFrom)}`);
  }
  if (filter.receivedBefore !== undefined) {
    terms.push(`received_at < ${bind(filter.receivedBefore)}`);
  }
  if (filter.sender !== undefined) terms.push(`sender = ${bind(filter.sender)}`);
  if (filter.messageId !== undefined) terms.push(`message_id = ${bind(filter.messageId)}`);
  if (filter.incidentId !== undefined) terms.push(`incident_id = ${bind(filter.incidentId)}`);
  return terms;
}

/** One page of the log after `after`, newest first. */
export function searchStatement(
  columns: string,
  filter: MessageFilter,
  limit: number,
  after: MessagePosition | undefined,
  now: number,
  bind: Bind,
): string {
  const terms = filterTerms(filter, now, bind);
  if (after) terms.push(`(received_at, seq) < (${bind(after.receivedAt)}, ${bind(after.seq)})`);
  return (
    `SELECT ${columns} FROM inbox_messages` +
    (terms.length > 0 ? ` WHERE ${terms.join(' AND ')}` : '') +
    ` ORDER BY received_at DESC, seq DESC LIMIT ${bind(limit)}`
  );
}

/**
 * Requeues the dead messages `filter` matches, as a dead letter's replay does (attempts reset,
 * due now, checkpoint kept); undefined when the filter asks for another state, since replay
 * never touches what was delivered, skipped or is still pending.
 */
export function requeueMatchingStatement(
  filter: MessageFilter,
  now: number,
  bind: Bind,
): string | undefined {
  if (filter.state !== undefined && filter.state !== 'dead') return undefined;
  // Each placeholder binds its own value: SQLite's `?` are taken in order.
  const set = `state = 'pending', attempts = 0, next_attempt_at = ${bind(now)}, updated_at = ${bind(now)}`;
  const terms = [`state = 'dead'`, ...filterTerms({ ...filter, state: undefined }, now, bind)];
  return `UPDATE inbox_messages SET ${set} WHERE ${terms.join(' AND ')}`;
}

/** Placeholders numbered from 1 for PostgreSQL, with the values in the same order. */
export function numberedBinds(): { bind: Bind; values: unknown[] } {
  const values: unknown[] = [];
  return {
    values,
    bind: (value) => {
      values.push(value);
      return `$${values.length}`;
    },
  };
}

/** Anonymous placeholders for SQLite, with the values in the order they appear. */
export function positionalBinds(): { bind: Bind; values: unknown[] } {
  const values: unknown[] = [];
  return {
    values,
    bind: (value) => {
      values.push(value);
      return '?';
    },
  };
}
