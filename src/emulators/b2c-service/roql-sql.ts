/**
 * Maps ROQL field paths of the two supported tables onto the emulator's SQLite schema and turns a
 * parsed condition into SQL. Only column expressions from the static maps below ever reach the SQL
 * text; every literal is a bound parameter, so a `q=` cannot inject SQL.
 *
 * Semantics worth knowing:
 * - a multi-valued field (contacts `phones.number`, incidents `threads.*`) matches when ANY of the
 *   record's values does, in a where clause of `q=` or of a select that reads no such field;
 * - a queryResults select that names a `threads.*` field anywhere (columns, where or order by)
 *   joins the incident's threads: one row per incident and thread entry, and conditions on
 *   `threads.*` filter thread rows (ROQL relationship queries,
 *   https://docs.oracle.com/en/cloud/saas/b2c-service/cxsvc/c_osvc_roql_tabular_queries.html).
 *   It is a left join, so an incident without threads gives one row of nulls unless a condition
 *   on threads rules it out;
 * - datetime fields compare as instants; literals are ISO 8601, UTC unless they carry an offset;
 * - `=`/`!=` on strings are case-sensitive and `LIKE` is case-insensitive for ASCII (SQLite's
 *   defaults). Oracle's collation is not documented in what we could read.
 */
import {
  INCIDENT_STATUS_TYPES,
  INCIDENT_STATUSES,
  NamedIdList,
  THREAD_CHANNELS,
  THREAD_CONTENT_TYPES,
  THREAD_ENTRY_TYPES,
} from './named-ids';
import { RoqlCondition, RoqlLiteral } from './roql';

export type RoqlValueType = 'integer' | 'string' | 'datetime';

export type RoqlField =
  /** A column of the table's own row, aliased `t` in the SQL. */
  | { kind: 'column'; type: RoqlValueType; sql: string }
  /**
   * One value of many, tested with EXISTS over `from` (which already ties rows to `t`). With
   * `join`, a select may instead join the relation (table.joins) and read `valueSql` per row.
   */
  | { kind: 'exists'; type: RoqlValueType; from: string; valueSql: string; join?: string };

export interface RoqlTable {
  /** Plural REST name, used as tableName in queryResults. */
  name: 'contacts' | 'incidents';
  sqlTable: string;
  /** Accepted spellings of the table name (lower case). */
  aliases: readonly string[];
  /** Lower-cased field path -> definition. */
  fields: ReadonlyMap<string, RoqlField>;
  /** Relations a select may join to read their fields row by row, by name. */
  joins: ReadonlyMap<string, RoqlJoin>;
}

export interface RoqlJoin {
  /** The JOIN clause. */
  sql: string;
  /** ORDER BY term that keeps the joined rows of one record in a stable order. */
  tieBreak: string;
}

export class RoqlSemanticError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export const CONTACTS_TABLE: RoqlTable = {
  name: 'contacts',
  sqlTable: 'contacts',
  aliases: ['contacts', 'contact'],
  fields: new Map<string, RoqlField>([
    ['id', { kind: 'column', type: 'integer', sql: 't.id' }],
    ['name.first', { kind: 'column', type: 'string', sql: 't.first_name' }],
    ['name.last', { kind: 'column', type: 'string', sql: 't.last_name' }],
    ['createdtime', { kind: 'column', type: 'datetime', sql: 't.created_ms' }],
    ['updatedtime', { kind: 'column', type: 'datetime', sql: 't.updated_ms' }],
    [
      'phones.number',
      {
        kind: 'exists',
        type: 'string',
        from: 'contact_phones p WHERE p.contact_id = t.id',
        valueSql: 'p.number',
      },
    ],
    [
      'emails.address',
      {
        kind: 'exists',
        type: 'string',
        from: 'contact_emails e WHERE e.contact_id = t.id',
        valueSql: 'e.address',
      },
    ],
  ]),
  joins: new Map(),
};

const primaryContactId: RoqlField = {
  kind: 'column',
  type: 'integer',
  sql: 't.primary_contact_id',
};

/**
 * SQL that maps a stored menu id to a value of a static list, e.g. its lookupName. Only the
 * emulator's own constants are written into the SQL text (quotes doubled all the same).
 */
function caseSql<T extends { id: number }>(
  column: string,
  list: readonly T[],
  value: (entry: T) => string | number,
): string {
  const literal = (v: string | number): string =>
    typeof v === 'number' ? String(v) : `'${v.replaceAll("'", "''")}'`;
  const branches = list.map((entry) => `WHEN ${entry.id} THEN ${literal(value(entry))}`);
  return `(CASE ${column} ${branches.join(' ')} END)`;
}

function lookupNameSql(column: string, list: NamedIdList): string {
  return caseSql(column, list, (entry) => entry.lookupName);
}

const statusId: RoqlField = { kind: 'column', type: 'integer', sql: 't.status_id' };
const statusTypeIdSql = caseSql('t.status_id', INCIDENT_STATUSES, (entry) => entry.statusTypeId);
const statusTypeId: RoqlField = { kind: 'column', type: 'integer', sql: statusTypeIdSql };

/** A field of the incident's thread entries (`th`), see the join semantics above. */
function threadField(type: RoqlValueType, valueSql: string): RoqlField {
  return {
    kind: 'exists',
    type,
    from: 'incident_threads th WHERE th.incident_id = t.id',
    valueSql,
    join: 'threads',
  };
}

const threadEntryType = threadField('integer', 'th.entry_type_id');
const threadContentType = threadField('integer', 'th.content_type_id');
const threadChannel = threadField('integer', 'th.channel_id');

export const INCIDENTS_TABLE: RoqlTable = {
  name: 'incidents',
  sqlTable: 'incidents',
  aliases: ['incidents', 'incident'],
  fields: new Map<string, RoqlField>([
    ['id', { kind: 'column', type: 'integer', sql: 't.id' }],
    ['subject', { kind: 'column', type: 'string', sql: 't.subject' }],
    ['referencenumber', { kind: 'column', type: 'string', sql: 't.reference_number' }],
    ['lookupname', { kind: 'column', type: 'string', sql: 't.reference_number' }],
    ['primarycontact.contact.id', primaryContactId],
    ['primarycontact.contact', primaryContactId],
    ['createdtime', { kind: 'column', type: 'datetime', sql: 't.created_ms' }],
    ['updatedtime', { kind: 'column', type: 'datetime', sql: 't.updated_ms' }],
    ['statuswithtype.status.id', statusId],
    ['statuswithtype.status', statusId],
    [
      'statuswithtype.status.lookupname',
      { kind: 'column', type: 'string', sql: lookupNameSql('t.status_id', INCIDENT_STATUSES) },
    ],
    ['statuswithtype.statustype.id', statusTypeId],
    ['statuswithtype.statustype', statusTypeId],
    [
      'statuswithtype.statustype.lookupname',
      {
        kind: 'column',
        type: 'string',
        sql: lookupNameSql(statusTypeIdSql, INCIDENT_STATUS_TYPES),
      },
    ],
    ['threads.id', threadField('integer', 'th.id')],
    ['threads.text', threadField('string', 'th.text')],
    ['threads.displayorder', threadField('integer', 'th.display_order')],
    ['threads.createdtime', threadField('datetime', 'th.created_ms')],
    ['threads.entrytype.id', threadEntryType],
    ['threads.entrytype', threadEntryType],
    [
      'threads.entrytype.lookupname',
      threadField('string', lookupNameSql('th.entry_type_id', THREAD_ENTRY_TYPES)),
    ],
    ['threads.contenttype.id', threadContentType],
    ['threads.contenttype', threadContentType],
    [
      'threads.contenttype.lookupname',
      threadField('string', lookupNameSql('th.content_type_id', THREAD_CONTENT_TYPES)),
    ],
    ['threads.channel.id', threadChannel],
    ['threads.channel', threadChannel],
    [
      'threads.channel.lookupname',
      threadField('string', lookupNameSql('th.channel_id', THREAD_CHANNELS)),
    ],
  ]),
  joins: new Map([
    [
      'threads',
      { sql: 'LEFT JOIN incident_threads th ON th.incident_id = t.id', tieBreak: 'th.id ASC' },
    ],
  ]),
};

const TABLES: readonly RoqlTable[] = [CONTACTS_TABLE, INCIDENTS_TABLE];

export function findRoqlTable(name: string): RoqlTable | undefined {
  const lower = name.toLowerCase();
  return TABLES.find((table) => table.aliases.includes(lower));
}

/** Resolves `name.first`, `contacts.name.first` or `Contact.Name.First` (ROQL names ignore case). */
export function resolveField(table: RoqlTable, path: string): RoqlField {
  let lower = path.toLowerCase();
  const prefix = table.aliases.find((alias) => lower.startsWith(`${alias}.`));
  if (prefix !== undefined && !table.fields.has(lower)) lower = lower.slice(prefix.length + 1);
  const field = table.fields.get(lower);
  if (!field) {
    const known = [...table.fields.keys()].join(', ');
    throw new RoqlSemanticError(`Unknown field '${path}' for ${table.name}; supported: ${known}`);
  }
  return field;
}

const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Epoch milliseconds of an ISO 8601 literal, or undefined when it is not one. */
export function parseRoqlDateTime(text: string): number | undefined {
  const match = ISO_DATETIME.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction, zone] = match;
  const millis = fraction ? `.${fraction.padEnd(3, '0').slice(0, 3)}` : '';
  let offset = zone ?? 'Z';
  if (offset !== 'Z' && !offset.includes(':')) offset = `${offset.slice(0, 3)}:${offset.slice(3)}`;
  const iso = `${year}-${month}-${day}T${hour}:${minute}:${second}${millis}${offset}`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2026-02-30 over to March; a literal that does not round-trip is invalid.
  const utc = new Date(ms + (offset === 'Z' ? 0 : offsetMinutes(offset) * 60_000));
  if (utc.getUTCDate() !== Number(day) || utc.getUTCMonth() + 1 !== Number(month)) return undefined;
  return ms;
}

function offsetMinutes(offset: string): number {
  const sign = offset.startsWith('-') ? -1 : 1;
  const [hours, minutes] = offset.slice(1).split(':').map(Number);
  return sign * (hours * 60 + minutes);
}

/** Oracle renders times as ISO 8601 UTC with whole seconds, e.g. 2013-08-21T20:30:18Z. */
export function formatOracleTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** queryResults rows carry every value as a string (Oracle's example: "id": "1"). */
export function renderValue(type: RoqlValueType, raw: unknown): string | null {
  if (raw === null || raw === undefined) return null;
  if (type === 'datetime' && typeof raw === 'number') return formatOracleTime(raw);
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'bigint') return raw.toString();
  return JSON.stringify(raw);
}

export type SqlParam = string | number;

export interface SqlFragment {
  sql: string;
  params: SqlParam[];
}

function literalFor(type: RoqlValueType, literal: RoqlLiteral, path: string): SqlParam {
  switch (type) {
    case 'integer':
      if (literal.kind === 'integer') return literal.value;
      if (/^-?\d{1,15}$/.test(literal.value)) return Number(literal.value);
      throw new RoqlSemanticError(`${path} is an integer field; '${literal.value}' is not one`);
    case 'string':
      return literal.kind === 'string' ? literal.value : String(literal.value);
    case 'datetime': {
      const ms = literal.kind === 'string' ? parseRoqlDateTime(literal.value) : undefined;
      if (ms === undefined) {
        throw new RoqlSemanticError(
          `${path} is a date-time field; compare it with an ISO 8601 string such as '2026-01-01T00:00:00Z'`,
        );
      }
      return ms;
    }
  }
}

const SQL_OPERATORS: Readonly<Record<string, string>> = {
  '=': '=',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

/** The SQL of a field read row by row (a column, or a joined relation's value), else undefined. */
export function rowValueSql(field: RoqlField, joined: ReadonlySet<string>): string | undefined {
  if (field.kind === 'column') return field.sql;
  return field.join !== undefined && joined.has(field.join) ? field.valueSql : undefined;
}

function predicate(
  field: RoqlField,
  joined: ReadonlySet<string>,
  test: (valueSql: string) => string,
): string {
  if (field.kind === 'column') return test(field.sql);
  if (field.join !== undefined && joined.has(field.join)) return test(field.valueSql);
  return `EXISTS (SELECT 1 FROM ${field.from} AND ${test(field.valueSql)})`;
}

/** Field paths a condition names, as written. */
export function conditionFields(condition: RoqlCondition): string[] {
  switch (condition.kind) {
    case 'and':
    case 'or':
      return [...conditionFields(condition.left), ...conditionFields(condition.right)];
    case 'not':
      return conditionFields(condition.operand);
    default:
      return [condition.field];
  }
}

/**
 * @param joined relations the statement joins (see RoqlTable.joins): their fields are tested on
 *   the joined row instead of with EXISTS.
 */
export function compileCondition(
  condition: RoqlCondition,
  table: RoqlTable,
  joined: ReadonlySet<string> = new Set(),
): SqlFragment {
  switch (condition.kind) {
    case 'and':
    case 'or': {
      const left = compileCondition(condition.left, table, joined);
      const right = compileCondition(condition.right, table, joined);
      const joiner = condition.kind === 'and' ? 'AND' : 'OR';
      return {
        sql: `(${left.sql} ${joiner} ${right.sql})`,
        params: [...left.params, ...right.params],
      };
    }
    case 'not': {
      const operand = compileCondition(condition.operand, table, joined);
      return { sql: `(NOT ${operand.sql})`, params: operand.params };
    }
    case 'compare': {
      const field = resolveField(table, condition.field);
      const value = literalFor(field.type, condition.value, condition.field);
      const operator = SQL_OPERATORS[condition.operator];
      return {
        sql: predicate(field, joined, (column) => `${column} ${operator} ?`),
        params: [value],
      };
    }
    case 'in': {
      const field = resolveField(table, condition.field);
      const values = condition.values.map((v) => literalFor(field.type, v, condition.field));
      const list = values.map(() => '?').join(', ');
      const operator = condition.negated ? 'NOT IN' : 'IN';
      return {
        sql: predicate(field, joined, (column) => `${column} ${operator} (${list})`),
        params: values,
      };
    }
    case 'like': {
      const field = resolveField(table, condition.field);
      if (field.type !== 'string') {
        throw new RoqlSemanticError(`LIKE needs a text field; ${condition.field} is not one`);
      }
      const operator = condition.negated ? 'NOT LIKE' : 'LIKE';
      return {
        sql: predicate(field, joined, (column) => `${column} ${operator} ?`),
        params: [condition.pattern],
      };
    }
    case 'isNull': {
      const field = resolveField(table, condition.field);
      const test = `IS ${condition.negated ? 'NOT ' : ''}NULL`;
      if (field.kind === 'column') return { sql: `${field.sql} ${test}`, params: [] };
      if (field.join !== undefined && joined.has(field.join)) {
        return { sql: `${field.valueSql} ${test}`, params: [] };
      }
      // Any-value semantics, where having no value at all counts as null: "phones.number IS NULL"
      // holds for a contact without any phone, "threads.channel IS NULL" also for a thread
      // without a channel.
      const some = `EXISTS (SELECT 1 FROM ${field.from} AND ${field.valueSql} ${test})`;
      if (condition.negated) return { sql: some, params: [] };
      return { sql: `(NOT EXISTS (SELECT 1 FROM ${field.from}) OR ${some})`, params: [] };
    }
  }
}
