/**
 * Maps ROQL field paths of the two supported tables onto the emulator's SQLite schema and turns a
 * parsed condition into SQL. Only column expressions from the static maps below ever reach the SQL
 * text; every literal is a bound parameter, so a `q=` cannot inject SQL.
 *
 * Semantics worth knowing:
 * - a multi-valued field (contacts `phones.number`) matches when ANY of the contact's phones does;
 * - datetime fields compare as instants; literals are ISO 8601, UTC unless they carry an offset;
 * - `=`/`!=` on strings are case-sensitive and `LIKE` is case-insensitive for ASCII (SQLite's
 *   defaults). Oracle's collation is not documented in what we could read.
 */
import { RoqlCondition, RoqlLiteral } from './roql';

export type RoqlValueType = 'integer' | 'string' | 'datetime';

export type RoqlField =
  /** A column of the table's own row, aliased `t` in the SQL. */
  | { kind: 'column'; type: RoqlValueType; sql: string }
  /** One value of many, tested with EXISTS over `from` (which already ties rows to `t`). */
  | { kind: 'exists'; type: RoqlValueType; from: string; valueSql: string };

export interface RoqlTable {
  /** Plural REST name, used as tableName in queryResults. */
  name: 'contacts' | 'incidents';
  sqlTable: string;
  /** Accepted spellings of the table name (lower case). */
  aliases: readonly string[];
  /** Lower-cased field path -> definition. */
  fields: ReadonlyMap<string, RoqlField>;
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
};

const primaryContactId: RoqlField = {
  kind: 'column',
  type: 'integer',
  sql: 't.primary_contact_id',
};

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

function predicate(field: RoqlField, test: (valueSql: string) => string): string {
  if (field.kind === 'column') return test(field.sql);
  return `EXISTS (SELECT 1 FROM ${field.from} AND ${test(field.valueSql)})`;
}

export function compileCondition(condition: RoqlCondition, table: RoqlTable): SqlFragment {
  switch (condition.kind) {
    case 'and':
    case 'or': {
      const left = compileCondition(condition.left, table);
      const right = compileCondition(condition.right, table);
      const joiner = condition.kind === 'and' ? 'AND' : 'OR';
      return {
        sql: `(${left.sql} ${joiner} ${right.sql})`,
        params: [...left.params, ...right.params],
      };
    }
    case 'not': {
      const operand = compileCondition(condition.operand, table);
      return { sql: `(NOT ${operand.sql})`, params: operand.params };
    }
    case 'compare': {
      const field = resolveField(table, condition.field);
      const value = literalFor(field.type, condition.value, condition.field);
      const operator = SQL_OPERATORS[condition.operator];
      return { sql: predicate(field, (column) => `${column} ${operator} ?`), params: [value] };
    }
    case 'like': {
      const field = resolveField(table, condition.field);
      if (field.type !== 'string') {
        throw new RoqlSemanticError(`LIKE needs a text field; ${condition.field} is not one`);
      }
      const operator = condition.negated ? 'NOT LIKE' : 'LIKE';
      return {
        sql: predicate(field, (column) => `${column} ${operator} ?`),
        params: [condition.pattern],
      };
    }
    case 'isNull': {
      const field = resolveField(table, condition.field);
      if (field.kind === 'column') {
        return { sql: `${field.sql} IS ${condition.negated ? 'NOT ' : ''}NULL`, params: [] };
      }
      // "phones.number IS NULL" holds for a contact without any phone.
      const exists = `EXISTS (SELECT 1 FROM ${field.from})`;
      return { sql: condition.negated ? exists : `NOT ${exists}`, params: [] };
    }
  }
}
