/**
 * Turns request bodies (already JSON-parsed, so `unknown`) into typed inputs, or throws the 400 that
 * Oracle would answer. Properties the emulator does not model are ignored rather than rejected, so a
 * client that sends extra fields Oracle accepts keeps working.
 *
 * Body shapes:
 * - contacts with `name {first,last}` and `emails: [{address, addressType:{id}}]`:
 *   https://cx.rightnow.com/app/answers/detail/a_id/10785
 * - incidents with `subject`, `primaryContact {id}` and inline `threads [{text, entryType}]`:
 *   https://docs.oracle.com/en/cloud/saas/b2c-service/cxsvc/c_osvc_send_on_save.html
 * - references "Only ID or lookupName can be provided", and the incident fields an update may
 *   carry (subject, statusWithType, primaryContact, threads):
 *   https://docs.oracle.com/en/cloud/saas/b2c-service/cxsvc/op-services-rest-connect-v1.4-incidents-id-patch.html
 * - `statusWithType.status` as `{ id }` or `{ lookupName }`; `statusType` follows from the status
 *   and is not set by clients (statuses keep their type: "you cannot change their types",
 *   https://docs.oracle.com/en/cloud/saas/b2c-service/famug/c-Overview-of-Incident-Statuses.html).
 */
import {
  EMAIL_ADDRESS_TYPES,
  INCIDENT_STATUSES,
  NamedIdList,
  PHONE_TYPES,
  STATUS,
  THREAD_CHANNELS,
  THREAD_CONTENT_TYPES,
  THREAD_ENTRY_TYPES,
} from './named-ids';
import { EmulatorHttpError, ErrorCode } from './oracle-error';

/**
 * Field sizes of a default site as far as we know them; the 240-character subject is the limit the
 * gateway must respect. No page we could retrieve lists them, so they are best knowledge.
 */
export const LIMITS = {
  subject: 240,
  namePart: 80,
  phoneNumber: 40,
  emailAddress: 80,
  threadText: 1_000_000,
} as const;

export interface NewPhone {
  number: string;
  phoneTypeId: number;
}

export interface NewEmail {
  address: string;
  addressTypeId: number;
}

export interface NewContact {
  first: string | null;
  last: string | null;
  phones: NewPhone[];
  emails: NewEmail[];
}

export type ContactReference = { id: number } | { lookupName: string };

export interface NewThread {
  text: string;
  entryTypeId: number;
  contentTypeId: number;
  /** null when the thread names no channel. */
  channelId: number | null;
}

export interface NewIncident {
  subject: string;
  primaryContact: ContactReference;
  statusId: number;
  threads: NewThread[];
}

/** Body of PATCH /incidents/{id}: fields absent from the body stay as they are. */
export interface IncidentPatch {
  subject?: string;
  statusId?: number;
  primaryContact?: ContactReference;
  /** Appended to the incident's threads. */
  threads: NewThread[];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(detail: string): EmulatorHttpError {
  return new EmulatorHttpError(400, ErrorCode.WriteFailed, detail);
}

function characterCount(text: string): number {
  return [...text].length;
}

function requireObject(body: unknown, what: string): Record<string, unknown> {
  if (!isRecord(body)) {
    throw new EmulatorHttpError(400, ErrorCode.CreateFailed, `The ${what} must be a JSON object`);
  }
  return body;
}

function optionalString(
  source: Record<string, unknown>,
  key: string,
  path: string,
  maxLength: number,
): string | null {
  const value = source[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalid(`${path}: expected a string`);
  if (characterCount(value) > maxLength) {
    throw invalid(`${path}: the value exceeds the maximum length of ${maxLength} characters`);
  }
  return value;
}

function requiredString(
  source: Record<string, unknown>,
  key: string,
  path: string,
  maxLength: number,
): string {
  const value = optionalString(source, key, path, maxLength);
  if (value === null || value.trim() === '') throw invalid(`${path}: a value is required`);
  return value;
}

/** Reads `{ id }` or `{ lookupName }` of a menu field. */
function readNamedId(value: unknown, list: NamedIdList, path: string): number {
  if (!isRecord(value)) throw invalid(`${path}: expected an object with id or lookupName`);
  const hasId = value.id !== undefined;
  const hasName = value.lookupName !== undefined;
  if (hasId === hasName) throw invalid(`${path}: exactly one of id or lookupName must be provided`);
  if (hasId) {
    const id = value.id;
    const found = typeof id === 'number' ? list.find((entry) => entry.id === id) : undefined;
    if (!found) throw invalid(`${path}: Invalid ID: ${JSON.stringify(id)}`);
    return found.id;
  }
  const name = value.lookupName;
  const found = typeof name === 'string' ? list.find((e) => e.lookupName === name) : undefined;
  if (!found) throw invalid(`${path}: Invalid lookupName: ${JSON.stringify(name)}`);
  return found.id;
}

function optionalArray(source: Record<string, unknown>, key: string): unknown[] {
  const value = source[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(`${key}: expected an array`);
  return value;
}

export function parsePhone(value: unknown, path: string): NewPhone {
  const phone = isRecord(value) ? value : undefined;
  if (!phone) throw invalid(`${path}: expected an object`);
  const number = requiredString(phone, 'number', `${path}.number`, LIMITS.phoneNumber);
  if (phone.phoneType === undefined) throw invalid(`${path}.phoneType: a value is required`);
  return { number, phoneTypeId: readNamedId(phone.phoneType, PHONE_TYPES, `${path}.phoneType`) };
}

/** Body of POST /contacts/{id}/phones. */
export function parsePhoneBody(body: unknown): NewPhone {
  return parsePhone(requireObject(body, 'phone'), 'phone');
}

function parseEmail(value: unknown, path: string, usedTypes: Set<number>): NewEmail {
  if (!isRecord(value)) throw invalid(`${path}: expected an object`);
  const address = requiredString(value, 'address', `${path}.address`, LIMITS.emailAddress);
  if (!/^[^\s@]+@[^\s@]+$/.test(address)) throw invalid(`${path}.address: not an email address`);
  let addressTypeId: number;
  if (value.addressType === undefined) {
    // Without a type the address takes the first free slot, primary first.
    const free = EMAIL_ADDRESS_TYPES.find((type) => !usedTypes.has(type.id));
    if (!free) throw invalid(`${path}: a contact has at most ${EMAIL_ADDRESS_TYPES.length} emails`);
    addressTypeId = free.id;
  } else {
    addressTypeId = readNamedId(value.addressType, EMAIL_ADDRESS_TYPES, `${path}.addressType`);
  }
  return { address, addressTypeId };
}

/** Body of POST /contacts. */
export function parseContactBody(body: unknown): NewContact {
  const contact = requireObject(body, 'contact');
  let first: string | null = null;
  let last: string | null = null;
  if (contact.name !== undefined && contact.name !== null) {
    if (!isRecord(contact.name)) throw invalid('name: expected an object with first and last');
    first = optionalString(contact.name, 'first', 'name.first', LIMITS.namePart);
    last = optionalString(contact.name, 'last', 'name.last', LIMITS.namePart);
  }

  // A contact has one phone per phone type (the type is the phone's key in the list).
  const phones = optionalArray(contact, 'phones').map((p, i) => parsePhone(p, `phones[${i}]`));
  const phoneTypes = new Set<number>();
  for (const phone of phones) {
    if (phoneTypes.has(phone.phoneTypeId)) {
      throw invalid(`phones: more than one phone with phoneType id ${phone.phoneTypeId}`);
    }
    phoneTypes.add(phone.phoneTypeId);
  }

  const emailTypes = new Set<number>();
  const emails = optionalArray(contact, 'emails').map((e, i) => {
    const email = parseEmail(e, `emails[${i}]`, emailTypes);
    if (emailTypes.has(email.addressTypeId)) {
      throw invalid(`emails: more than one email with addressType id ${email.addressTypeId}`);
    }
    emailTypes.add(email.addressTypeId);
    return email;
  });

  return { first, last, phones, emails };
}

function parseThread(value: unknown, path: string): NewThread {
  if (!isRecord(value)) throw invalid(`${path}: expected an object`);
  const text = requiredString(value, 'text', `${path}.text`, LIMITS.threadText);
  if (value.entryType === undefined) throw invalid(`${path}.entryType: a value is required`);
  const entryTypeId = readNamedId(value.entryType, THREAD_ENTRY_TYPES, `${path}.entryType`);
  const contentTypeId =
    value.contentType === undefined
      ? 1 // text/plain
      : readNamedId(value.contentType, THREAD_CONTENT_TYPES, `${path}.contentType`);
  const channelId =
    value.channel === undefined || value.channel === null
      ? null
      : readNamedId(value.channel, THREAD_CHANNELS, `${path}.channel`);
  return { text, entryTypeId, contentTypeId, channelId };
}

/** Body of POST /incidents/{id}/threads. */
export function parseThreadBody(body: unknown): NewThread {
  return parseThread(requireObject(body, 'thread'), 'thread');
}

function parseContactReference(value: unknown): ContactReference {
  if (value === undefined || value === null) throw invalid('primaryContact: a value is required');
  if (!isRecord(value)) throw invalid('primaryContact: expected an object with id or lookupName');
  const hasId = value.id !== undefined;
  const hasName = value.lookupName !== undefined;
  if (hasId === hasName) {
    throw invalid('primaryContact: exactly one of id or lookupName must be provided');
  }
  if (hasId) {
    if (typeof value.id !== 'number' || !Number.isSafeInteger(value.id) || value.id < 1) {
      throw invalid(`primaryContact.id: Invalid ID: ${JSON.stringify(value.id)}`);
    }
    return { id: value.id };
  }
  if (typeof value.lookupName !== 'string' || value.lookupName.trim() === '') {
    throw invalid('primaryContact.lookupName: expected a non-empty string');
  }
  return { lookupName: value.lookupName };
}

/** `statusWithType.status` of an incident body; undefined when the body sets no status. */
function parseStatus(incident: Record<string, unknown>): number | undefined {
  const value = incident.statusWithType;
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw invalid('statusWithType: expected an object with status');
  if (value.status === undefined || value.status === null) return undefined;
  return readNamedId(value.status, INCIDENT_STATUSES, 'statusWithType.status');
}

function parseThreads(incident: Record<string, unknown>): NewThread[] {
  return optionalArray(incident, 'threads').map((t, i) => parseThread(t, `threads[${i}]`));
}

/** Body of POST /incidents; a new incident is Unresolved unless the body names a status. */
export function parseIncidentBody(body: unknown): NewIncident {
  const incident = requireObject(body, 'incident');
  const subject = requiredString(incident, 'subject', 'subject', LIMITS.subject);
  const primaryContact = parseContactReference(incident.primaryContact);
  const statusId = parseStatus(incident) ?? STATUS.unresolved;
  return { subject, primaryContact, statusId, threads: parseThreads(incident) };
}

/**
 * Body of PATCH /incidents/{id}. Everything is checked before anything is written, so a bad
 * thread in the body leaves the incident untouched.
 */
export function parseIncidentPatchBody(body: unknown): IncidentPatch {
  if (!isRecord(body)) throw invalid('The incident must be a JSON object');
  const incident = body;
  const patch: IncidentPatch = { threads: parseThreads(incident) };
  if (incident.subject !== undefined) {
    patch.subject = requiredString(incident, 'subject', 'subject', LIMITS.subject);
  }
  const statusId = parseStatus(incident);
  if (statusId !== undefined) patch.statusId = statusId;
  if (incident.primaryContact !== undefined) {
    patch.primaryContact = parseContactReference(incident.primaryContact);
  }
  return patch;
}
