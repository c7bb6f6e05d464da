import { parseRoqlCondition, parseRoqlQueries, RoqlSyntaxError } from './roql';
import {
  compileCondition,
  CONTACTS_TABLE,
  formatOracleTime,
  INCIDENTS_TABLE,
  parseRoqlDateTime,
  RoqlSemanticError,
} from './roql-sql';

describe('parseRoqlCondition', () => {
  it('parses a comparison on a dotted field', () => {
    expect(parseRoqlCondition("phones.number = '+14155552671'")).toEqual({
      kind: 'compare',
      field: 'phones.number',
      operator: '=',
      value: { kind: 'string', value: '+14155552671' },
    });
  });

  it('reads two single quotes inside a literal as one quote', () => {
    expect(parseRoqlCondition("name.last = 'O''Brien'")).toMatchObject({
      value: { kind: 'string', value: "O'Brien" },
    });
    expect(parseRoqlCondition("name.last = ''''")).toMatchObject({
      value: { kind: 'string', value: "'" },
    });
  });

  it.each([
    ['=', '='],
    ['!=', '!='],
    ['<>', '!='],
    ['<', '<'],
    ['<=', '<='],
    ['>', '>'],
    ['>=', '>='],
  ])('understands the operator %s', (written, parsed) => {
    expect(parseRoqlCondition(`id ${written} 5`)).toEqual({
      kind: 'compare',
      field: 'id',
      operator: parsed,
      value: { kind: 'integer', value: 5 },
    });
  });

  it('parses negative integers', () => {
    expect(parseRoqlCondition('id > -3')).toMatchObject({ value: { kind: 'integer', value: -3 } });
  });

  it('parses LIKE, NOT LIKE and IS [NOT] NULL, keywords in any case', () => {
    expect(parseRoqlCondition("name.first LIKE 'Ann%'")).toEqual({
      kind: 'like',
      field: 'name.first',
      pattern: 'Ann%',
      negated: false,
    });
    expect(parseRoqlCondition("name.first not like '%x'")).toMatchObject({ negated: true });
    expect(parseRoqlCondition('name.first Is Null')).toEqual({
      kind: 'isNull',
      field: 'name.first',
      negated: false,
    });
    expect(parseRoqlCondition('name.first is not null')).toMatchObject({ negated: true });
  });

  it('binds AND tighter than OR', () => {
    expect(parseRoqlCondition('id = 1 or id = 2 and id = 3')).toEqual({
      kind: 'or',
      left: expect.objectContaining({ kind: 'compare', value: { kind: 'integer', value: 1 } }),
      right: {
        kind: 'and',
        left: expect.objectContaining({ value: { kind: 'integer', value: 2 } }),
        right: expect.objectContaining({ value: { kind: 'integer', value: 3 } }),
      },
    });
  });

  it('lets parentheses override precedence, and NOT negate a group', () => {
    expect(parseRoqlCondition('(id = 1 or id = 2) and not (id = 3)')).toEqual({
      kind: 'and',
      left: expect.objectContaining({ kind: 'or' }),
      right: { kind: 'not', operand: expect.objectContaining({ kind: 'compare' }) },
    });
  });

  it.each([
    ['an empty query', ''],
    ['an unterminated string', "name.first = 'abc"],
    ['a statement separator', "name.first = 'a'; delete from contacts"],
    ['a comment', "name.first = 'a' -- x"],
    ['a double-quoted string', 'name.first = "a"'],
    ['a missing value', 'name.first ='],
    ['a literal on the left', '1 = 1'],
    ['a field compared with a field', 'name.first = name.last'],
    ['trailing tokens', "name.first = 'a' 'b'"],
    ['an unclosed parenthesis', "(name.first = 'a'"],
    ['a stray closing parenthesis', "name.first = 'a')"],
    ['a dangling AND', "name.first = 'a' and"],
    ['a number glued to a word', 'id = 12abc'],
    ['a LIKE without a string', 'name.first like 5'],
    ['an out-of-range integer', 'id = 99999999999999999999'],
  ])('rejects %s with RoqlSyntaxError', (_what, input) => {
    expect(() => parseRoqlCondition(input)).toThrow(RoqlSyntaxError);
  });

  it('bounds nesting depth, number of conditions and length', () => {
    expect(() => parseRoqlCondition(`${'('.repeat(100)}id = 1${')'.repeat(100)}`)).toThrow(
      /nest deeper/,
    );
    expect(() => parseRoqlCondition(Array(300).fill('id = 1').join(' and '))).toThrow(
      /More than 200 conditions/,
    );
    expect(() => parseRoqlCondition(`name.first = '${'a'.repeat(9000)}'`)).toThrow(/longer than/);
  });

  it('reports the position of the problem', () => {
    try {
      parseRoqlCondition('id = 1 and # = 2');
      throw new Error('expected a syntax error');
    } catch (error) {
      expect(error).toBeInstanceOf(RoqlSyntaxError);
      expect((error as RoqlSyntaxError).position).toBe(11);
    }
  });
});

describe('parseRoqlQueries', () => {
  it('parses several select statements and ignores a trailing semicolon', () => {
    const statements = parseRoqlQueries(
      'select id, subject from incidents where id <= 10; SELECT id FROM contacts;',
    );
    expect(statements).toEqual([
      {
        columns: ['id', 'subject'],
        table: 'incidents',
        where: expect.objectContaining({ kind: 'compare', operator: '<=' }),
        orderBy: [],
      },
      { columns: ['id'], table: 'contacts', orderBy: [] },
    ]);
  });

  it('parses ORDER BY, LIMIT and OFFSET', () => {
    expect(
      parseRoqlQueries('select id from incidents order by createdTime desc, id limit 5 offset 10'),
    ).toEqual([
      {
        columns: ['id'],
        table: 'incidents',
        orderBy: [
          { field: 'createdTime', direction: 'desc' },
          { field: 'id', direction: 'asc' },
        ],
        limit: 5,
        offset: 10,
      },
    ]);
  });

  it.each([
    ['nothing', ' ; ;'],
    ['no FROM', 'select id incidents'],
    ['a star', 'select * from incidents'],
    ['a non-select statement', 'delete from incidents'],
    ['a negative limit', 'select id from incidents limit -1'],
    ['garbage after a statement', 'select id from incidents where id = 1 foo'],
  ])('rejects %s', (_what, input) => {
    expect(() => parseRoqlQueries(input)).toThrow(RoqlSyntaxError);
  });
});

describe('compileCondition', () => {
  it('binds literals as parameters instead of writing them into the SQL', () => {
    const compiled = compileCondition(
      parseRoqlCondition("name.last = 'x'' OR 1=1 --' and id >= 2"),
      CONTACTS_TABLE,
    );
    expect(compiled).toEqual({
      sql: '(t.last_name = ? AND t.id >= ?)',
      params: ["x' OR 1=1 --", 2],
    });
  });

  it('matches a multi-valued field when any of its values matches', () => {
    const compiled = compileCondition(parseRoqlCondition("phones.number = '+1'"), CONTACTS_TABLE);
    expect(compiled.sql).toBe(
      'EXISTS (SELECT 1 FROM contact_phones p WHERE p.contact_id = t.id AND p.number = ?)',
    );
  });

  it('accepts field names in any case, prefixed with the table name, and the contact alias', () => {
    expect(
      compileCondition(parseRoqlCondition('Contacts.Name.First is null'), CONTACTS_TABLE),
    ).toEqual({
      sql: 't.first_name IS NULL',
      params: [],
    });
    expect(
      compileCondition(parseRoqlCondition('primaryContact.contact = 4'), INCIDENTS_TABLE).sql,
    ).toBe('t.primary_contact_id = ?');
  });

  it('compares date-times as instants', () => {
    expect(
      compileCondition(
        parseRoqlCondition("createdTime >= '2026-01-01T00:00:00Z'"),
        INCIDENTS_TABLE,
      ),
    ).toEqual({ sql: 't.created_ms >= ?', params: [Date.UTC(2026, 0, 1)] });
  });

  it.each([
    ['an unknown field', "nickname = 'x'", CONTACTS_TABLE],
    ['a field of the other table', "subject = 'x'", CONTACTS_TABLE],
    ['a non-numeric id', "id = 'abc'", CONTACTS_TABLE],
    ['a date-time compared with an integer', 'createdTime > 5', INCIDENTS_TABLE],
    ['an invalid date', "createdTime > '2026-02-30T00:00:00Z'", INCIDENTS_TABLE],
    ['LIKE on an integer field', "id like '1%'", INCIDENTS_TABLE],
  ])('rejects %s with RoqlSemanticError', (_what, input, table) => {
    expect(() => compileCondition(parseRoqlCondition(input), table)).toThrow(RoqlSemanticError);
  });
});

describe('date-time literals', () => {
  it.each([
    ['2026-01-01T00:00:00Z', Date.UTC(2026, 0, 1)],
    ['2026-01-01T00:00:00.250Z', Date.UTC(2026, 0, 1, 0, 0, 0, 250)],
    ['2026-01-01T00:00:00', Date.UTC(2026, 0, 1)],
    ['2026-01-01', Date.UTC(2026, 0, 1)],
    ['2026-01-01T02:00:00+02:00', Date.UTC(2026, 0, 1)],
    ['2025-12-31T19:00:00-0500', Date.UTC(2026, 0, 1)],
  ])('reads %s', (text, expected) => {
    expect(parseRoqlDateTime(text)).toBe(expected);
  });

  it.each(['yesterday', '2026-13-01', '2026-02-29T00:00:00Z', '2026-01-01T25:00:00Z', ''])(
    'refuses %s',
    (text) => {
      expect(parseRoqlDateTime(text)).toBeUndefined();
    },
  );

  it('formats times as Oracle does, in whole seconds', () => {
    expect(formatOracleTime(Date.UTC(2013, 7, 21, 20, 30, 18, 999))).toBe('2013-08-21T20:30:18Z');
  });
});
