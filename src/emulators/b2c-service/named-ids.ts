/**
 * Oracle "named IDs": menu values that can be set by `{ id }` or by `{ lookupName }`, never both
 * ("Only ID or lookupName can be provided", incidents schema in
 * https://docs.oracle.com/en/cloud/saas/b2c-service/cxsvc/op-services-rest-connect-v1.4-incidents-id-patch.html).
 *
 * Values are those of a default site:
 * - phone types: Office/Mobile/Fax/Assistant/Home Phone with ids 0..4 (contact phone list of the
 *   Connect Common Object Model; not in a page we could retrieve, so treat as best knowledge);
 * - email address types 0..2, primary first (support answer 10785,
 *   https://cx.rightnow.com/app/answers/detail/a_id/10785);
 * - thread entry types, with Note = 1 as in the incident example of
 *   https://docs.oracle.com/en/cloud/saas/b2c-service/cxsvc/c_osvc_send_on_save.html. Ids 1..8
 *   and their names are the list GetValuesForNamedID("Incident.Threads.EntryType") returns
 *   (http://cx.googlogy.com/contribute/14-connect-web-services/17-add-thread-to-an-incident):
 *   the agent's reply (the "Response" thread of the agent console, ENTRY_STAFF) is id 2 with the
 *   lookupName "Staff Account". Public integrations agree on Note = 1, Customer = 3 and
 *   Customer Proxy = 4 (bcgov/psa-job-store apps/api/src/modules/external/models/
 *   incident-create.input.ts and other bcgov code);
 * - thread content types text/plain = 1 and text/html = 2 (same bcgov sources);
 * - thread channels: only "CSS Web" = 6 is confirmed by a public integration (same bcgov
 *   sources); the agent console also offers Phone, Fax, Post and Email, whose ids we could not
 *   confirm, so they are not offered rather than guessed;
 * - incident statuses and status types: the four default statuses Unresolved, Solved, Updated
 *   and Waiting, the three status types Unresolved, Solved and Waiting, and Updated having the
 *   Unresolved type, from "How Incident Statuses Work"
 *   (https://docs.oracle.com/en/cloud/saas/b2c-service/famug/c-Overview-of-Incident-Statuses.html).
 *   Oracle's pages give no ids; Unresolved = 1, Solved = 2, Waiting = 3 and Updated = 8 are the
 *   default ids a production site uses (bcgov/psa-job-store, as above), and the status type ids
 *   1..3 follow the same defaults (best knowledge).
 */

export interface NamedId {
  id: number;
  lookupName: string;
}

export type NamedIdList = readonly NamedId[];

export const PHONE_TYPES: NamedIdList = [
  { id: 0, lookupName: 'Office Phone' },
  { id: 1, lookupName: 'Mobile Phone' },
  { id: 2, lookupName: 'Fax' },
  { id: 3, lookupName: 'Assistant Phone' },
  { id: 4, lookupName: 'Home Phone' },
];

export const EMAIL_ADDRESS_TYPES: NamedIdList = [
  { id: 0, lookupName: 'Email - Primary' },
  { id: 1, lookupName: 'Alt Email 1' },
  { id: 2, lookupName: 'Alt Email 2' },
];

export const THREAD_ENTRY_TYPES: NamedIdList = [
  { id: 1, lookupName: 'Note' },
  { id: 2, lookupName: 'Staff Account' },
  { id: 3, lookupName: 'Customer' },
  { id: 4, lookupName: 'Customer Proxy' },
  { id: 5, lookupName: 'Chat' },
  { id: 6, lookupName: 'Rule Response' },
  { id: 7, lookupName: 'Rule Response Template' },
  { id: 8, lookupName: 'Voice Integration' },
];

/** Ids of the entry types the emulator itself creates or tests for. */
export const ENTRY_TYPE = { note: 1, staffAccount: 2, customer: 3 } as const;

export const THREAD_CONTENT_TYPES: NamedIdList = [
  { id: 1, lookupName: 'text/plain' },
  { id: 2, lookupName: 'text/html' },
];

export const THREAD_CHANNELS: NamedIdList = [{ id: 6, lookupName: 'CSS Web' }];

export const INCIDENT_STATUS_TYPES: NamedIdList = [
  { id: 1, lookupName: 'Unresolved' },
  { id: 2, lookupName: 'Solved' },
  { id: 3, lookupName: 'Waiting' },
];

export interface IncidentStatus extends NamedId {
  statusTypeId: number;
}

export const INCIDENT_STATUSES: readonly IncidentStatus[] = [
  { id: 1, lookupName: 'Unresolved', statusTypeId: 1 },
  { id: 2, lookupName: 'Solved', statusTypeId: 2 },
  { id: 3, lookupName: 'Waiting', statusTypeId: 3 },
  { id: 8, lookupName: 'Updated', statusTypeId: 1 },
];

/** Ids of the statuses the emulator sets by itself. */
export const STATUS = { unresolved: 1, solved: 2, waiting: 3, updated: 8 } as const;

/** An incident's `statusWithType` for a stored status id. */
export function statusWithType(statusId: number): { status: NamedId; statusType: NamedId } {
  const status = INCIDENT_STATUSES.find((entry) => entry.id === statusId);
  // Stored ids were validated on the way in, so a miss is a programming error.
  if (!status) throw new Error(`Unknown incident status id ${statusId}`);
  return {
    status: { id: status.id, lookupName: status.lookupName },
    statusType: namedIdById(INCIDENT_STATUS_TYPES, status.statusTypeId),
  };
}

export function namedIdById(list: NamedIdList, id: number): NamedId {
  const found = list.find((entry) => entry.id === id);
  // Stored ids were validated on the way in, so a miss is a programming error.
  if (!found) throw new Error(`Unknown named id ${id}`);
  return { ...found };
}
