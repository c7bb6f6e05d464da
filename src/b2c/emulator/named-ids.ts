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
 *   https://docs.oracle.com/en/cloud/saas/b2c-service/cxsvc/c_osvc_send_on_save.html;
 * - thread content types text/plain and text/html.
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

export const THREAD_CONTENT_TYPES: NamedIdList = [
  { id: 1, lookupName: 'text/plain' },
  { id: 2, lookupName: 'text/html' },
];

export function namedIdById(list: NamedIdList, id: number): NamedId {
  const found = list.find((entry) => entry.id === id);
  // Stored ids were validated on the way in, so a miss is a programming error.
  if (!found) throw new Error(`Unknown named id ${id}`);
  return { ...found };
}
