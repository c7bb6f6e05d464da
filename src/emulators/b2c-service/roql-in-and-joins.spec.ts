/** The ROQL forms SMS conversations poll with: IN lists and thread fields (join semantics). */
import { MAX_IN_VALUES, parseRoqlCondition, parseRoqlQueries, RoqlSyntaxError } from './roql';
import { compileCondition, INCIDENTS_TABLE, RoqlSemanticError } from './roql-sql';

describe('IN lists', () => {
  it('parses [NOT] IN with integer and string literals', () => {
    expect(parseRoqlCondition('id in (12, 15, 19)')).toEqual({
      kind: 'in',
      field: 'id',
      negated: false,
      values: [
        { kind: 'integer', value: 12 },
        { kind: 'integer', value: 15 },
        { kind: 'integer', value: 19 },
      ],
    });
    expect(parseRoqlCondition("subject NOT IN ('a', 'b''c')")).toMatchObject({
      kind: 'in',
      negated: true,
      values: [
        { kind: 'string', value: 'a' },
        { kind: 'string', value: "b'c" },
      ],
    });
  });

  it.each(['id in ()', 'id in (1,)', 'id in 1', 'id in (1 2)', 'id not (1)', 'id in (1'])(
    'refuses %s',
    (input) => {
      expect(() => parseRoqlCondition(input)).toThrow(RoqlSyntaxError);
    },
  );

  it(`accepts ${MAX_IN_VALUES} values and refuses one more`, () => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => i + 1).join(',');
    expect(() => parseRoqlCondition(`id in (${list(MAX_IN_VALUES)})`)).not.toThrow();
    expect(() => parseRoqlCondition(`id in (${list(MAX_IN_VALUES + 1)})`)).toThrow(RoqlSyntaxError);
  });

  it('binds every value as a parameter, converted to the field type', () => {
    const compiled = compileCondition(parseRoqlCondition("id in (1, '2')"), INCIDENTS_TABLE);
    expect(compiled).toEqual({ sql: 't.id IN (?, ?)', params: [1, 2] });
    const text = compileCondition(
      parseRoqlCondition("threads.text not in ('x'' OR 1=1 --')"),
      INCIDENTS_TABLE,
    );
    expect(text.sql).not.toContain('1=1');
    expect(text.params).toEqual(["x' OR 1=1 --"]);
  });

  it('refuses a value of the wrong type', () => {
    expect(() => compileCondition(parseRoqlCondition("id in (1, 'two')"), INCIDENTS_TABLE)).toThrow(
      RoqlSemanticError,
    );
  });
});

describe('thread fields of incidents', () => {
  it('are tested with EXISTS unless the statement joins threads', () => {
    const condition = parseRoqlCondition('threads.entryType.id = 2');
    expect(compileCondition(condition, INCIDENTS_TABLE).sql).toBe(
      'EXISTS (SELECT 1 FROM incident_threads th WHERE th.incident_id = t.id AND th.entry_type_id = ?)',
    );
    expect(compileCondition(condition, INCIDENTS_TABLE, new Set(['threads'])).sql).toBe(
      'th.entry_type_id = ?',
    );
  });

  it('resolve lookupNames from the emulator’s own lists, not from input', () => {
    const compiled = compileCondition(
      parseRoqlCondition("threads.contentType.lookupName = 'text/html'"),
      INCIDENTS_TABLE,
      new Set(['threads']),
    );
    expect(compiled.sql).toBe(
      "(CASE th.content_type_id WHEN 1 THEN 'text/plain' WHEN 2 THEN 'text/html' END) = ?",
    );
    expect(compiled.params).toEqual(['text/html']);
  });

  it('parse in the poll the gateway sends', () => {
    const [select] = parseRoqlQueries(
      "select id, threads.id, threads.text, threads.contentType.lookupName, threads.createdTime from incidents where id in (12, 15, 19) and threads.entryType.id = 2 and threads.createdTime > '2026-12-06T20:00:00Z' order by threads.id",
    );
    expect(select.columns).toHaveLength(5);
    expect(select.orderBy).toEqual([{ field: 'threads.id', direction: 'asc' }]);
    expect(compileCondition(select.where!, INCIDENTS_TABLE, new Set(['threads'])).params).toEqual([
      12,
      15,
      19,
      2,
      Date.UTC(2026, 11, 6, 20),
    ]);
  });
});
