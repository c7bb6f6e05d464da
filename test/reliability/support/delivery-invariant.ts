import type { EmulatorSnapshot } from './emulator-snapshot';
import type { InboxRow } from './inbox-snapshot';
import type { SentWebhook } from './webhook-load';

export interface InvariantReport {
  /** Every broken promise, one line each; empty when the gateway kept its word. */
  violations: string[];
  acked: number;
  /** Webhooks never acknowledged that the gateway still kept (committed before the reply failed). */
  unackedButDelivered: number;
  unackedAbsent: number;
  incidents: number;
}

/** Lines listed per kind of violation; the counts say how many there were in all. */
const SHOWN_PER_KIND = 5;

/**
 * The gateway's central promise, checked after the gateway has drained and stopped:
 * - a webhook that got a 2xx is in the inbox (committed before the reply), delivered, and is
 *   exactly one incident in B2C, the one the inbox recorded;
 * - a webhook that never got a 2xx is absent from B2C, or present exactly once;
 * - nothing is dead-lettered (every fault the suite injects is one B2C recovers from), nothing is
 *   left pending, and B2C holds nothing the senders did not send;
 * - each sender phone has one contact (messages of one sender are delivered one at a time).
 */
export function checkDeliveryInvariant(
  webhooks: ReadonlyMap<string, SentWebhook>,
  inbox: ReadonlyMap<string, InboxRow>,
  emulator: EmulatorSnapshot,
): InvariantReport {
  const found = new Map<string, string[]>();
  const violation = (kind: string, line: string) =>
    found.set(kind, [...(found.get(kind) ?? []), line]);
  let unackedButDelivered = 0;
  let unackedAbsent = 0;

  for (const webhook of webhooks.values()) {
    const sid = webhook.messageSid;
    const incidents = emulator.incidentsBySid.get(sid) ?? [];
    const row = inbox.get(sid);
    if (incidents.length > 1) {
      violation('duplicate incidents', `${sid}: incidents ${incidents.join(', ')}`);
    }
    if (webhook.acked) {
      if (!row) violation('acknowledged but not stored', `${sid}: ${webhook.outcomes.join(' ')}`);
      if (incidents.length === 0) violation('acknowledged but no incident', sid);
    } else if (incidents.length === 0) {
      unackedAbsent += 1;
    } else {
      unackedButDelivered += 1;
    }
    if (row) {
      if (row.state !== 'delivered') {
        violation(
          `stored as ${row.state}`,
          `${sid} after ${row.attempts} attempt(s): ${row.lastError ?? ''}`,
        );
      } else if (incidents.length === 1 && row.checkpoint.incidentId !== incidents[0]) {
        violation(
          'inbox names another incident',
          `${sid}: inbox ${row.checkpoint.incidentId}, B2C ${incidents[0]}`,
        );
      }
    } else if (incidents.length > 0) {
      violation('incident for a message the inbox does not hold', sid);
    }
  }
  for (const sid of emulator.incidentsBySid.keys()) {
    if (!webhooks.has(sid)) violation('incident for a message nobody sent', sid);
  }
  for (const row of inbox.values()) {
    if (!webhooks.has(row.messageId)) violation('stored message nobody sent', row.messageId);
  }
  if (emulator.unmarked.length > 0) {
    violation('incidents without a gateway marker', emulator.unmarked.join(', '));
  }
  const senders = new Set([...webhooks.values()].map((webhook) => webhook.from));
  for (const phone of senders) {
    const contacts = emulator.contactsByPhone.get(phone) ?? [];
    if (contacts.length > 1) violation('duplicate contacts', `${phone}: ${contacts.join(', ')}`);
  }

  const violations = [...found].flatMap(([kind, lines]) => [
    `${kind} (${lines.length}):`,
    ...lines.slice(0, SHOWN_PER_KIND).map((line) => `  ${line}`),
  ]);
  let incidentCount = 0;
  for (const ids of emulator.incidentsBySid.values()) incidentCount += ids.length;
  return {
    violations,
    acked: [...webhooks.values()].filter((webhook) => webhook.acked).length,
    unackedButDelivered,
    unackedAbsent,
    incidents: incidentCount,
  };
}
