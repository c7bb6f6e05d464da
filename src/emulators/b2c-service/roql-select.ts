/**
 * Runs one ROQL select of queryResults against the emulator's SQLite database. The SQL text is
 * assembled only from the static field map of roql-sql.ts; literals, LIMIT and OFFSET are bound
 * parameters. A select that names a field of a joinable relation (incidents `threads.*`) anywhere
 * joins it, giving one row per incident and thread entry (see roql-sql.ts).
 */
import type Database from 'better-sqlite3';

import { RoqlSelect } from './roql';
import {
  compileCondition,
  conditionFields,
  findRoqlTable,
  renderValue,
  resolveField,
  rowValueSql,
  RoqlField,
  RoqlSemanticError,
  RoqlTable,
  SqlParam,
} from './roql-sql';

export interface TabularResult {
  tableName: string;
  columnNames: string[];
  rows: (string | null)[][];
}

/** Oracle answers at most 20,000 rows per tabular query on the operational database. */
export const MAX_QUERY_ROWS = 20_000;

/** Relations to join: those of every field the statement names. */
function joinsOf(table: RoqlTable, statement: RoqlSelect): Set<string> {
  const paths = [
    ...statement.columns,
    ...statement.orderBy.map((order) => order.field),
    ...(statement.where ? conditionFields(statement.where) : []),
  ];
  const joins = new Set<string>();
  for (const path of paths) {
    const field = resolveField(table, path);
    if (field.kind === 'exists' && field.join !== undefined) joins.add(field.join);
  }
  return joins;
}

function rowValue(
  field: RoqlField,
  joined: ReadonlySet<string>,
  path: string,
  use: string,
): string {
  const sql = rowValueSql(field, joined);
  if (sql === undefined) {
    throw new RoqlSemanticError(`${use} the multi-valued field '${path}' is not supported`);
  }
  return sql;
}

export function runRoqlSelect(db: Database.Database, statement: RoqlSelect): TabularResult {
  const table = findRoqlTable(statement.table);
  if (!table) {
    throw new RoqlSemanticError(
      `Unknown table '${statement.table}'; supported: contacts, incidents`,
    );
  }
  const joined = joinsOf(table, statement);
  const columns = statement.columns.map((path) => {
    const field = resolveField(table, path);
    return { type: field.type, sql: rowValue(field, joined, path, 'Selecting') };
  });
  const params: SqlParam[] = [];
  const joins = [...joined].flatMap((name) => table.joins.get(name) ?? []);
  let sql = `SELECT ${columns.map((c, i) => `${c.sql} AS c${i}`).join(', ')} FROM ${table.sqlTable} t ${joins.map((join) => join.sql).join(' ')}`;
  if (statement.where) {
    const filter = compileCondition(statement.where, table, joined);
    sql += ` WHERE ${filter.sql}`;
    params.push(...filter.params);
  }
  const order = statement.orderBy.map(({ field, direction }) => {
    const value = rowValue(resolveField(table, field), joined, field, 'Ordering by');
    return `${value} ${direction === 'desc' ? 'DESC' : 'ASC'}`;
  });
  // Ties keep a stable order: by record, then by joined row.
  const tieBreak = ['t.id ASC', ...joins.map((join) => join.tieBreak)];
  sql += ` ORDER BY ${[...order, ...tieBreak].join(', ')} LIMIT ? OFFSET ?`;
  params.push(Math.min(statement.limit ?? MAX_QUERY_ROWS, MAX_QUERY_ROWS), statement.offset ?? 0);

  const raw = db
    .prepare(sql)
    .raw(true)
    .all(...params) as unknown[][];
  return {
    tableName: table.name,
    columnNames: [...statement.columns],
    rows: raw.map((row) => row.map((value, i) => renderValue(columns[i].type, value))),
  };
}
