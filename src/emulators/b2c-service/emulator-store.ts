/**
 * The emulator's data, in SQLite through better-sqlite3. WAL mode makes every committed request
 * durable across a crash of the client or of the emulator and lets a restart on the same file see
 * everything; ':memory:' gives a throw-away store for tests.
 *
 * Times are stored as epoch milliseconds rounded down to whole seconds, because Oracle keeps and
 * shows whole seconds: a ROQL `createdTime >= '...'` therefore behaves as it would against Oracle.
 */
import Database from 'better-sqlite3';

import { applySchema } from './emulator-schema';
import { ENTRY_TYPE, STATUS } from './named-ids';
import {
  ContactReference,
  IncidentPatch,
  NewContact,
  NewIncident,
  NewPhone,
  NewThread,
} from './payload-validation';
import { RoqlCondition, RoqlSelect } from './roql';
import { runRoqlSelect, TabularResult } from './roql-select';
import { compileCondition, findRoqlTable, RoqlTable } from './roql-sql';

export { MAX_QUERY_ROWS, type TabularResult } from './roql-select';

export interface ContactRow {
  id: number;
  first: string | null;
  last: string | null;
  createdMs: number;
  updatedMs: number;
}

export interface PhoneRow {
  contactId: number;
  phoneTypeId: number;
  number: string;
}

export interface EmailRow {
  contactId: number;
  addressTypeId: number;
  address: string;
}

export interface IncidentRow {
  id: number;
  referenceNumber: string;
  subject: string;
  primaryContactId: number;
  statusId: number;
  createdMs: number;
  updatedMs: number;
}

export interface ThreadRow {
  id: number;
  incidentId: number;
  displayOrder: number;
  text: string;
  entryTypeId: number;
  contentTypeId: number;
  channelId: number | null;
  createdMs: number;
}

export interface Page<T> {
  rows: T[];
  total: number;
}

export type CreateIncidentResult =
  { ok: true; incident: IncidentRow; threads: ThreadRow[] } | { ok: false; problem: string };

export type UpdateIncidentResult =
  | { ok: true; threads: ThreadRow[] }
  | { ok: false; notFound: true }
  | { ok: false; notFound: false; problem: string };

const CONTACT_COLUMNS =
  'id, first_name AS first, last_name AS last, created_ms AS createdMs, updated_ms AS updatedMs';
const INCIDENT_COLUMNS =
  'id, reference_number AS referenceNumber, subject, primary_contact_id AS primaryContactId, status_id AS statusId, created_ms AS createdMs, updated_ms AS updatedMs';
const THREAD_COLUMNS =
  'id, incident_id AS incidentId, display_order AS displayOrder, text, entry_type_id AS entryTypeId, content_type_id AS contentTypeId, channel_id AS channelId, created_ms AS createdMs';

function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** Reference numbers look like 201123-000001: UTC day (YYMMDD) and a per-day sequence. */
function referenceDay(ms: number): string {
  const date = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(date.getUTCFullYear() % 100)}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}`;
}

export function contactLookupName(contact: Pick<ContactRow, 'first' | 'last'>): string {
  return [contact.first, contact.last]
    .filter((part): part is string => part !== null && part.trim() !== '')
    .join(' ');
}

export class EmulatorStore {
  private readonly db: Database.Database;

  constructor(dbFile: string) {
    this.db = new Database(dbFile);
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode loses nothing on a process crash, only possibly on power loss.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    applySchema(this.db);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Deletes all data and restarts ids at 1, like a fresh site. */
  reset(): void {
    this.db.transaction(() => {
      for (const table of [
        'incident_threads',
        'incidents',
        'contact_phones',
        'contact_emails',
        'contacts',
        'reference_counters',
      ]) {
        this.db.prepare(`DELETE FROM ${table}`).run();
      }
      this.db.prepare('DELETE FROM sqlite_sequence').run();
    })();
  }

  // ---- contacts -------------------------------------------------------------------------------

  createContact(input: NewContact, nowMs: number): ContactRow {
    const now = wholeSeconds(nowMs);
    return this.db.transaction(() => {
      const result = this.db
        .prepare(
          'INSERT INTO contacts (first_name, last_name, created_ms, updated_ms) VALUES (?, ?, ?, ?)',
        )
        .run(input.first, input.last, now, now);
      const id = Number(result.lastInsertRowid);
      const insertPhone = this.db.prepare(
        'INSERT INTO contact_phones (contact_id, phone_type_id, number) VALUES (?, ?, ?)',
      );
      for (const phone of input.phones) insertPhone.run(id, phone.phoneTypeId, phone.number);
      const insertEmail = this.db.prepare(
        'INSERT INTO contact_emails (contact_id, address_type_id, address) VALUES (?, ?, ?)',
      );
      for (const email of input.emails) insertEmail.run(id, email.addressTypeId, email.address);
      return { id, first: input.first, last: input.last, createdMs: now, updatedMs: now };
    })();
  }

  getContact(id: number): ContactRow | undefined {
    return this.db.prepare(`SELECT ${CONTACT_COLUMNS} FROM contacts WHERE id = ?`).get(id) as
      ContactRow | undefined;
  }

  listContacts(where: RoqlCondition | undefined, limit: number, offset: number): Page<ContactRow> {
    return this.page(CONTACT_COLUMNS, findTable('contacts'), where, limit, offset);
  }

  /** Contacts whose lookupName ("First Last") is exactly `lookupName`. */
  findContactsByLookupName(lookupName: string): ContactRow[] {
    const rows = this.db
      .prepare(`SELECT ${CONTACT_COLUMNS} FROM contacts ORDER BY id`)
      .all() as ContactRow[];
    return rows.filter((row) => contactLookupName(row) === lookupName);
  }

  phones(contactId: number): PhoneRow[] {
    return this.db
      .prepare(
        'SELECT contact_id AS contactId, phone_type_id AS phoneTypeId, number FROM contact_phones WHERE contact_id = ? ORDER BY phone_type_id',
      )
      .all(contactId) as PhoneRow[];
  }

  emails(contactId: number): EmailRow[] {
    return this.db
      .prepare(
        'SELECT contact_id AS contactId, address_type_id AS addressTypeId, address FROM contact_emails WHERE contact_id = ? ORDER BY address_type_id',
      )
      .all(contactId) as EmailRow[];
  }

  /** Adds a phone; undefined when the contact already has a phone of that type. */
  addPhone(contactId: number, phone: NewPhone, nowMs: number): PhoneRow | undefined {
    return this.db.transaction(() => {
      const taken = this.db
        .prepare('SELECT 1 FROM contact_phones WHERE contact_id = ? AND phone_type_id = ?')
        .get(contactId, phone.phoneTypeId);
      if (taken) return undefined;
      this.db
        .prepare('INSERT INTO contact_phones (contact_id, phone_type_id, number) VALUES (?, ?, ?)')
        .run(contactId, phone.phoneTypeId, phone.number);
      this.db
        .prepare('UPDATE contacts SET updated_ms = ? WHERE id = ?')
        .run(wholeSeconds(nowMs), contactId);
      return { contactId, phoneTypeId: phone.phoneTypeId, number: phone.number };
    })();
  }

  // ---- incidents ------------------------------------------------------------------------------

  private resolveContact(reference: ContactReference): number | string {
    if ('id' in reference) {
      return this.getContact(reference.id)
        ? reference.id
        : `Invalid ID: No such Contact with ID = ${reference.id}`;
    }
    const matches = this.findContactsByLookupName(reference.lookupName);
    if (matches.length === 1) return matches[0].id;
    return matches.length === 0
      ? `Invalid lookupName: No such Contact with lookupName = ${reference.lookupName}`
      : `Invalid lookupName: more than one Contact has lookupName = ${reference.lookupName}`;
  }

  /** Incident, reference number and inline threads commit together or not at all. */
  createIncident(input: NewIncident, nowMs: number): CreateIncidentResult {
    const now = wholeSeconds(nowMs);
    return this.db.transaction((): CreateIncidentResult => {
      const contactId = this.resolveContact(input.primaryContact);
      if (typeof contactId === 'string') {
        return {
          ok: false,
          problem: `A problem setting a property to reference another object was encountered: ${contactId}`,
        };
      }
      const day = referenceDay(now);
      const counter = this.db
        .prepare(
          'INSERT INTO reference_counters (day, last) VALUES (?, 1) ON CONFLICT(day) DO UPDATE SET last = last + 1 RETURNING last',
        )
        .get(day) as { last: number };
      const referenceNumber = `${day}-${String(counter.last).padStart(6, '0')}`;
      const result = this.db
        .prepare(
          'INSERT INTO incidents (reference_number, subject, primary_contact_id, status_id, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(referenceNumber, input.subject, contactId, input.statusId, now, now);
      const id = Number(result.lastInsertRowid);
      const threads = input.threads.map((thread) => this.insertThread(id, thread, now));
      const incident: IncidentRow = {
        id,
        referenceNumber,
        subject: input.subject,
        primaryContactId: contactId,
        statusId: input.statusId,
        createdMs: now,
        updatedMs: now,
      };
      return { ok: true, incident, threads };
    })();
  }

  getIncident(id: number): IncidentRow | undefined {
    return this.db.prepare(`SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id = ?`).get(id) as
      IncidentRow | undefined;
  }

  listIncidents(
    where: RoqlCondition | undefined,
    limit: number,
    offset: number,
  ): Page<IncidentRow> {
    return this.page(INCIDENT_COLUMNS, findTable('incidents'), where, limit, offset);
  }

  threads(incidentId: number): ThreadRow[] {
    return this.db
      .prepare(
        `SELECT ${THREAD_COLUMNS} FROM incident_threads WHERE incident_id = ? ORDER BY display_order`,
      )
      .all(incidentId) as ThreadRow[];
  }

  getThread(incidentId: number, threadId: number): ThreadRow | undefined {
    return this.db
      .prepare(`SELECT ${THREAD_COLUMNS} FROM incident_threads WHERE incident_id = ? AND id = ?`)
      .get(incidentId, threadId) as ThreadRow | undefined;
  }

  addThread(incidentId: number, thread: NewThread, nowMs: number): ThreadRow {
    const now = wholeSeconds(nowMs);
    return this.db.transaction(() => {
      const row = this.insertThread(incidentId, thread, now);
      this.db.prepare('UPDATE incidents SET updated_ms = ? WHERE id = ?').run(now, incidentId);
      return row;
    })();
  }

  private insertThread(incidentId: number, thread: NewThread, now: number): ThreadRow {
    const { next } = this.db
      .prepare(
        'SELECT COALESCE(MAX(display_order), 0) + 1 AS next FROM incident_threads WHERE incident_id = ?',
      )
      .get(incidentId) as { next: number };
    const result = this.db
      .prepare(
        'INSERT INTO incident_threads (incident_id, display_order, text, entry_type_id, content_type_id, channel_id, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        incidentId,
        next,
        thread.text,
        thread.entryTypeId,
        thread.contentTypeId,
        thread.channelId,
        now,
      );
    return {
      id: Number(result.lastInsertRowid),
      incidentId,
      displayOrder: next,
      text: thread.text,
      entryTypeId: thread.entryTypeId,
      contentTypeId: thread.contentTypeId,
      channelId: thread.channelId,
      createdMs: now,
    };
  }

  /**
   * Sets the fields a PATCH gives and appends its threads, all in one transaction: a contact that
   * does not resolve leaves the incident as it was. updatedTime moves when anything was given.
   */
  updateIncident(id: number, patch: IncidentPatch, nowMs: number): UpdateIncidentResult {
    const now = wholeSeconds(nowMs);
    return this.db.transaction((): UpdateIncidentResult => {
      if (!this.getIncident(id)) return { ok: false, notFound: true };
      const sets: string[] = [];
      const values: (string | number)[] = [];
      if (patch.primaryContact !== undefined) {
        const contactId = this.resolveContact(patch.primaryContact);
        if (typeof contactId === 'string') {
          return {
            ok: false,
            notFound: false,
            problem: `A problem setting a property to reference another object was encountered: ${contactId}`,
          };
        }
        sets.push('primary_contact_id = ?');
        values.push(contactId);
      }
      if (patch.subject !== undefined) {
        sets.push('subject = ?');
        values.push(patch.subject);
      }
      if (patch.statusId !== undefined) {
        sets.push('status_id = ?');
        values.push(patch.statusId);
      }
      const threads = patch.threads.map((thread) => this.insertThread(id, thread, now));
      if (sets.length > 0 || threads.length > 0) {
        this.db
          .prepare(`UPDATE incidents SET ${[...sets, 'updated_ms = ?'].join(', ')} WHERE id = ?`)
          .run(...values, now, id);
      }
      return { ok: true, threads };
    })();
  }

  /** Deletes an incident with its threads; false when there was none. */
  deleteIncident(id: number): boolean {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM incident_threads WHERE incident_id = ?').run(id);
      return this.db.prepare('DELETE FROM incidents WHERE id = ?').run(id).changes > 0;
    })();
  }

  /** Sets an incident's status; false when there is no such incident. */
  setStatus(id: number, statusId: number, nowMs: number): boolean {
    const result = this.db
      .prepare('UPDATE incidents SET status_id = ?, updated_ms = ? WHERE id = ?')
      .run(statusId, wholeSeconds(nowMs), id);
    return result.changes > 0;
  }

  /**
   * An agent's response as B2C records it when the agent sends it: a Staff Account entry, and the
   * status Waiting (the "Status Change on Response" option of the default workspace, see
   * https://docs.oracle.com/en/cloud/saas/b2c-service/famug/c-Overview-of-Incident-Statuses.html).
   * Undefined when there is no such incident.
   */
  addResponse(
    incidentId: number,
    text: string,
    contentTypeId: number,
    nowMs: number,
  ): ThreadRow | undefined {
    const now = wholeSeconds(nowMs);
    return this.db.transaction(() => {
      if (!this.getIncident(incidentId)) return undefined;
      const thread = this.insertThread(
        incidentId,
        { text, entryTypeId: ENTRY_TYPE.staffAccount, contentTypeId, channelId: null },
        now,
      );
      this.setStatus(incidentId, STATUS.waiting, now);
      return thread;
    })();
  }

  // ---- ROQL -----------------------------------------------------------------------------------

  private page<T>(
    columns: string,
    table: RoqlTable,
    where: RoqlCondition | undefined,
    limit: number,
    offset: number,
  ): Page<T> {
    const filter = where ? compileCondition(where, table) : { sql: '1', params: [] };
    const from = `FROM ${table.sqlTable} t WHERE ${filter.sql}`;
    const { total } = this.db.prepare(`SELECT COUNT(*) AS total ${from}`).get(...filter.params) as {
      total: number;
    };
    const rows = this.db
      .prepare(`SELECT ${prefixColumns(columns)} ${from} ORDER BY t.id LIMIT ? OFFSET ?`)
      .all(...filter.params, limit, offset) as T[];
    return { rows, total };
  }

  /** Runs one ROQL select of queryResults; every value comes back as a string (or null). */
  runSelect(statement: RoqlSelect): TabularResult {
    return runRoqlSelect(this.db, statement);
  }
}

function findTable(name: 'contacts' | 'incidents'): RoqlTable {
  const table = findRoqlTable(name);
  if (!table) throw new Error(`ROQL table ${name} is not defined`);
  return table;
}

/** `id, first_name AS first` -> `t.id, t.first_name AS first` so columns cannot clash in joins. */
function prefixColumns(columns: string): string {
  return columns
    .split(',')
    .map((column) => `t.${column.trim()}`)
    .join(', ');
}
