/**
 * Typed client for tests and demos: drives /_emulator/ (faults, request log, reset, an agent's
 * responses and status changes) and reads the emulator's data through its own REST API.
 *
 * Data reads send the x-b2c-emulator-control header, so they are neither logged nor hit by injected
 * faults: inspecting the emulator never changes what a test asserts on.
 */
import { APPLICATION_CONTEXT_HEADER, CONTROL_BYPASS_HEADER } from './emulator-headers';
import type { ActiveFault, EmulatorFault } from './faults';
import type { NamedId } from './named-ids';
import type { RecordedRequest } from './request-log';

export type { ActiveFault, EmulatorFault } from './faults';
export type { RecordedRequest } from './request-log';

export interface PhoneSnapshot {
  number: string;
  phoneType: NamedId;
}

export interface EmailSnapshot {
  address: string;
  addressType: NamedId;
}

export interface ContactSnapshot {
  id: number;
  lookupName: string;
  name: { first: string | null; last: string | null };
  createdTime: string;
  updatedTime: string;
  phones: PhoneSnapshot[];
  emails: EmailSnapshot[];
}

export interface IncidentSnapshot {
  id: number;
  lookupName: string;
  referenceNumber: string;
  subject: string;
  primaryContactId: number;
  status: NamedId;
  statusType: NamedId;
  createdTime: string;
  updatedTime: string;
}

export interface ThreadSnapshot {
  id: number;
  text: string;
  entryType: NamedId;
  contentType: NamedId;
  channel: NamedId | null;
  createdTime: string;
  displayOrder: number;
}

type JsonObject = Record<string, unknown>;

class UnexpectedShapeError extends Error {}

function object(value: unknown, what: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UnexpectedShapeError(`${what}: expected an object`);
  }
  return value as JsonObject;
}

function array(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new UnexpectedShapeError(`${what}: expected an array`);
  return value;
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new UnexpectedShapeError(`${what}: expected a string`);
  return value;
}

function nullableText(value: unknown, what: string): string | null {
  return value === null ? null : text(value, what);
}

function integer(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new UnexpectedShapeError(`${what}: expected an integer`);
  }
  return value;
}

function namedId(value: unknown, what: string): NamedId {
  const named = object(value, what);
  return { id: integer(named.id, `${what}.id`), lookupName: text(named.lookupName, what) };
}

function items(body: unknown, what: string): JsonObject[] {
  return array(object(body, what).items, `${what}.items`).map((item) => object(item, what));
}

function canonicalId(reference: unknown, what: string): number {
  const links = array(object(reference, what).links, `${what}.links`).map((l) => object(l, what));
  const canonical = links.find((link) => link.rel === 'canonical');
  const match = /\/(\d+)$/.exec(text(canonical?.href, `${what} canonical href`));
  if (!match) throw new UnexpectedShapeError(`${what}: canonical href has no id`);
  return Number(match[1]);
}

export class EmulatorControl {
  private readonly origin: string;
  private readonly restBase: string;
  private readonly authorization: string;

  /**
   * @param baseUrl the emulator's origin (RunningEmulator.url)
   * @param username Basic credentials the emulator was started with, needed for data reads
   */
  constructor(baseUrl: string, username: string, password: string, version = 'v1.4') {
    this.origin = baseUrl.replace(/\/+$/, '');
    this.restBase = `${this.origin}/services/rest/connect/${version}`;
    this.authorization = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  }

  /** Adds a fault (see EmulatorFault) and returns its id. */
  async addFault(fault: EmulatorFault): Promise<string> {
    const body = await this.control('POST', '/faults', fault);
    return text(object(body, 'fault').id, 'fault.id');
  }

  async faults(): Promise<ActiveFault[]> {
    return array(await this.control('GET', '/faults'), 'faults') as ActiveFault[];
  }

  async clearFaults(): Promise<void> {
    await this.control('DELETE', '/faults');
  }

  /** Every REST request received since the last clear or reset, in arrival order. */
  async requests(): Promise<RecordedRequest[]> {
    return array(await this.control('GET', '/requests'), 'requests') as RecordedRequest[];
  }

  async clearRequests(): Promise<void> {
    await this.control('DELETE', '/requests');
  }

  /** Wipes data, faults and the request log. */
  async reset(): Promise<void> {
    await this.control('POST', '/reset');
  }

  /**
   * Answers an incident as an agent who sends a response: a Staff Account thread entry (entry
   * type 2), and the status becomes Waiting. Returns the new thread entry's id.
   */
  async addResponse(
    incidentId: number,
    text: string,
    contentType: 'text/plain' | 'text/html' = 'text/plain',
  ): Promise<number> {
    const body = await this.control('POST', `/incidents/${incidentId}/responses`, {
      text,
      contentType,
    });
    return integer(object(body, 'response').id, 'response.id');
  }

  /** Sets an incident's status by lookupName (Unresolved, Solved, Waiting, Updated). */
  async setStatus(incidentId: number, lookupName: string): Promise<void> {
    await this.control('POST', `/incidents/${incidentId}/status`, { lookupName });
  }

  async contacts(): Promise<ContactSnapshot[]> {
    const list = items(await this.rest('/contacts?limit=20000'), 'contacts');
    return Promise.all(list.map((item) => this.contact(integer(item.id, 'contact.id'))));
  }

  async contact(id: number): Promise<ContactSnapshot> {
    const [contact, phones, emails] = await Promise.all([
      this.rest(`/contacts/${id}`),
      this.rest(`/contacts/${id}/phones`),
      this.rest(`/contacts/${id}/emails`),
    ]);
    const body = object(contact, 'contact');
    const name = object(body.name, 'contact.name');
    return {
      id: integer(body.id, 'contact.id'),
      lookupName: text(body.lookupName, 'contact.lookupName'),
      name: {
        first: nullableText(name.first, 'contact.name.first'),
        last: nullableText(name.last, 'contact.name.last'),
      },
      createdTime: text(body.createdTime, 'contact.createdTime'),
      updatedTime: text(body.updatedTime, 'contact.updatedTime'),
      phones: items(phones, 'phones').map((phone) => ({
        number: text(phone.number, 'phone.number'),
        phoneType: namedId(phone.phoneType, 'phone.phoneType'),
      })),
      emails: items(emails, 'emails').map((email) => ({
        address: text(email.address, 'email.address'),
        addressType: namedId(email.addressType, 'email.addressType'),
      })),
    };
  }

  async incidents(): Promise<IncidentSnapshot[]> {
    const list = items(await this.rest('/incidents?limit=20000'), 'incidents');
    return Promise.all(list.map((item) => this.incident(integer(item.id, 'incident.id'))));
  }

  async incident(id: number): Promise<IncidentSnapshot> {
    const body = object(await this.rest(`/incidents/${id}`), 'incident');
    const status = object(body.statusWithType, 'incident.statusWithType');
    return {
      id: integer(body.id, 'incident.id'),
      lookupName: text(body.lookupName, 'incident.lookupName'),
      referenceNumber: text(body.referenceNumber, 'incident.referenceNumber'),
      subject: text(body.subject, 'incident.subject'),
      primaryContactId: canonicalId(body.primaryContact, 'incident.primaryContact'),
      status: namedId(status.status, 'incident.statusWithType.status'),
      statusType: namedId(status.statusType, 'incident.statusWithType.statusType'),
      createdTime: text(body.createdTime, 'incident.createdTime'),
      updatedTime: text(body.updatedTime, 'incident.updatedTime'),
    };
  }

  async threads(incidentId: number): Promise<ThreadSnapshot[]> {
    return items(await this.rest(`/incidents/${incidentId}/threads`), 'threads').map((thread) => ({
      id: integer(thread.id, 'thread.id'),
      text: text(thread.text, 'thread.text'),
      entryType: namedId(thread.entryType, 'thread.entryType'),
      contentType: namedId(thread.contentType, 'thread.contentType'),
      channel: thread.channel === null ? null : namedId(thread.channel, 'thread.channel'),
      createdTime: text(thread.createdTime, 'thread.createdTime'),
      displayOrder: integer(thread.displayOrder, 'thread.displayOrder'),
    }));
  }

  private async control(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.origin}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return this.read(response, `${method} /_emulator${path}`);
  }

  private async rest(path: string): Promise<unknown> {
    const response = await fetch(`${this.restBase}${path}`, {
      headers: {
        authorization: this.authorization,
        [APPLICATION_CONTEXT_HEADER]: 'emulator-control',
        [CONTROL_BYPASS_HEADER]: 'true',
        accept: 'application/json',
      },
    });
    return this.read(response, `GET ${path}`);
  }

  private async read(response: Response, what: string): Promise<unknown> {
    const body = await response.text();
    if (!response.ok) throw new Error(`Emulator ${what} answered ${response.status}: ${body}`);
    return body === '' ? undefined : (JSON.parse(body) as unknown);
  }
}
