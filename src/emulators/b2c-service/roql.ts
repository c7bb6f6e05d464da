/**
 * A small parser for the subset of ROQL (RightNow Object Query Language) the emulator understands:
 * the where clause of `GET /<collection>?q=...` and the `select` statements of
 * `GET /queryResults?query=...` (several, separated by semicolons, as documented in
 * https://docs.oracle.com/en/cloud/saas/b2c-service/cxsvc/c_osvc_roql_tabular_queries.html).
 *
 * It only builds a syntax tree; `roql-sql.ts` checks field names against a table and turns the tree
 * into parameterised SQL. Anything outside the subset raises RoqlSyntaxError, which the REST layer
 * answers with 400, never 500. Limits on length and nesting keep hostile input from exhausting the
 * stack.
 */

export const MAX_ROQL_LENGTH = 8000;
const MAX_NESTING = 32;
/** SQLite refuses expression trees deeper than 1000; stay far below so bad input is a 400. */
const MAX_PREDICATES = 200;
/** Values in one IN list; SQLite binds each as a parameter (its limit is 32,766). */
export const MAX_IN_VALUES = 1000;

export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type RoqlLiteral = { kind: 'string'; value: string } | { kind: 'integer'; value: number };

export type RoqlCondition =
  | { kind: 'and' | 'or'; left: RoqlCondition; right: RoqlCondition }
  | { kind: 'not'; operand: RoqlCondition }
  | { kind: 'compare'; field: string; operator: ComparisonOperator; value: RoqlLiteral }
  | { kind: 'like'; field: string; pattern: string; negated: boolean }
  | { kind: 'in'; field: string; values: RoqlLiteral[]; negated: boolean }
  | { kind: 'isNull'; field: string; negated: boolean };

export interface RoqlOrderBy {
  field: string;
  direction: 'asc' | 'desc';
}

export interface RoqlSelect {
  /** Field paths as written (case kept, so they can be echoed back as column names). */
  columns: string[];
  table: string;
  where?: RoqlCondition;
  orderBy: RoqlOrderBy[];
  limit?: number;
  offset?: number;
}

export class RoqlSyntaxError extends Error {
  constructor(
    message: string,
    /** 0-based character offset in the input where the problem was found. */
    readonly position: number,
  ) {
    super(`${message} (at character ${position + 1})`);
    this.name = new.target.name;
  }
}

const KEYWORDS = [
  'and',
  'or',
  'not',
  'like',
  'in',
  'is',
  'null',
  'select',
  'from',
  'where',
  'order',
  'by',
  'asc',
  'desc',
  'limit',
  'offset',
] as const;
type Keyword = (typeof KEYWORDS)[number];

type Token =
  | { kind: 'identifier'; text: string; position: number }
  | { kind: 'keyword'; keyword: Keyword; position: number }
  | { kind: 'string'; value: string; position: number }
  | { kind: 'integer'; value: number; position: number }
  | { kind: 'operator'; operator: ComparisonOperator; position: number }
  | { kind: 'punctuation'; text: '(' | ')' | ',' | ';'; position: number }
  | { kind: 'end'; position: number };

function isKeyword(word: string): word is Keyword {
  return (KEYWORDS as readonly string[]).includes(word);
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y;
const INTEGER = /-?[0-9]+/y;
const WHITESPACE = /[ \t\r\n]+/y;

function tokenize(input: string): Token[] {
  if (input.length > MAX_ROQL_LENGTH) {
    throw new RoqlSyntaxError(`Query is longer than ${MAX_ROQL_LENGTH} characters`, 0);
  }
  const tokens: Token[] = [];
  let i = 0;
  const matchAt = (pattern: RegExp): string | undefined => {
    pattern.lastIndex = i;
    const match = pattern.exec(input);
    return match ? match[0] : undefined;
  };
  while (i < input.length) {
    const space = matchAt(WHITESPACE);
    if (space) {
      i += space.length;
      continue;
    }
    const ch = input[i];
    const start = i;
    if (ch === "'") {
      // '' inside a literal is an escaped quote.
      let value = '';
      i += 1;
      for (;;) {
        if (i >= input.length) throw new RoqlSyntaxError('Unterminated string literal', start);
        if (input[i] === "'") {
          if (input[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        value += input[i];
        i += 1;
      }
      tokens.push({ kind: 'string', value, position: start });
      continue;
    }
    const integer = matchAt(INTEGER);
    if (integer) {
      const value = Number(integer);
      if (!Number.isSafeInteger(value)) {
        throw new RoqlSyntaxError(`Integer ${integer} is out of range`, start);
      }
      i += integer.length;
      // "12abc" is not an integer followed by a word: reject it instead of guessing.
      if (i < input.length && /[A-Za-z_.]/.test(input[i])) {
        throw new RoqlSyntaxError(`Unexpected character '${input[i]}'`, i);
      }
      tokens.push({ kind: 'integer', value, position: start });
      continue;
    }
    const word = matchAt(IDENTIFIER);
    if (word) {
      i += word.length;
      const lower = word.toLowerCase();
      if (isKeyword(lower)) tokens.push({ kind: 'keyword', keyword: lower, position: start });
      else tokens.push({ kind: 'identifier', text: word, position: start });
      continue;
    }
    const two = input.slice(i, i + 2);
    if (two === '<=' || two === '>=' || two === '!=' || two === '<>') {
      tokens.push({ kind: 'operator', operator: two === '<>' ? '!=' : two, position: start });
      i += 2;
      continue;
    }
    if (ch === '=' || ch === '<' || ch === '>') {
      tokens.push({ kind: 'operator', operator: ch, position: start });
      i += 1;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',' || ch === ';') {
      tokens.push({ kind: 'punctuation', text: ch, position: start });
      i += 1;
      continue;
    }
    throw new RoqlSyntaxError(`Unexpected character '${ch}'`, start);
  }
  tokens.push({ kind: 'end', position: input.length });
  return tokens;
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'identifier':
      return `'${token.text}'`;
    case 'keyword':
      return `'${token.keyword.toUpperCase()}'`;
    case 'string':
      return 'a string literal';
    case 'integer':
      return `'${token.value}'`;
    case 'operator':
      return `'${token.operator}'`;
    case 'punctuation':
      return `'${token.text}'`;
    case 'end':
      return 'the end of the query';
  }
}

class Parser {
  private index = 0;
  private depth = 0;
  private predicates = 0;

  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.index];
  }

  next(): Token {
    const token = this.tokens[this.index];
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  atKeyword(keyword: Keyword): boolean {
    const token = this.peek();
    return token.kind === 'keyword' && token.keyword === keyword;
  }

  acceptKeyword(keyword: Keyword): boolean {
    if (!this.atKeyword(keyword)) return false;
    this.next();
    return true;
  }

  expectKeyword(keyword: Keyword): void {
    if (!this.acceptKeyword(keyword)) {
      this.fail(`Expected ${keyword.toUpperCase()} but found ${describe(this.peek())}`);
    }
  }

  atPunctuation(text: '(' | ')' | ',' | ';'): boolean {
    const token = this.peek();
    return token.kind === 'punctuation' && token.text === text;
  }

  expectIdentifier(what: string): string {
    const token = this.next();
    if (token.kind !== 'identifier') {
      throw new RoqlSyntaxError(`Expected ${what} but found ${describe(token)}`, token.position);
    }
    return token.text;
  }

  expectInteger(what: string): number {
    const token = this.next();
    if (token.kind !== 'integer' || token.value < 0) {
      throw new RoqlSyntaxError(
        `Expected ${what} (a non-negative integer) but found ${describe(token)}`,
        token.position,
      );
    }
    return token.value;
  }

  fail(message: string): never {
    throw new RoqlSyntaxError(message, this.peek().position);
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'end') this.fail(`Unexpected ${describe(token)}`);
  }

  // condition := disjunction
  condition(): RoqlCondition {
    this.depth += 1;
    if (this.depth > MAX_NESTING) this.fail(`Conditions nest deeper than ${MAX_NESTING} levels`);
    let left = this.conjunction();
    while (this.acceptKeyword('or')) {
      left = { kind: 'or', left, right: this.conjunction() };
    }
    this.depth -= 1;
    return left;
  }

  private conjunction(): RoqlCondition {
    let left = this.unary();
    while (this.acceptKeyword('and')) {
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): RoqlCondition {
    if (this.acceptKeyword('not')) {
      this.depth += 1;
      if (this.depth > MAX_NESTING) this.fail(`Conditions nest deeper than ${MAX_NESTING} levels`);
      const operand = this.unary();
      this.depth -= 1;
      return { kind: 'not', operand };
    }
    if (this.atPunctuation('(')) {
      this.next();
      const inner = this.condition();
      if (!this.atPunctuation(')')) this.fail(`Expected ')' but found ${describe(this.peek())}`);
      this.next();
      return inner;
    }
    return this.predicate();
  }

  // predicate := field (op literal | [NOT] LIKE string | [NOT] IN (literal {, literal})
  //              | IS [NOT] NULL)
  private predicate(): RoqlCondition {
    this.predicates += 1;
    if (this.predicates > MAX_PREDICATES) this.fail(`More than ${MAX_PREDICATES} conditions`);
    const field = this.expectIdentifier('a field name');
    const token = this.next();
    if (token.kind === 'operator') {
      return { kind: 'compare', field, operator: token.operator, value: this.literal() };
    }
    if (token.kind === 'keyword' && token.keyword === 'like') {
      return { kind: 'like', field, pattern: this.stringLiteral(), negated: false };
    }
    if (token.kind === 'keyword' && token.keyword === 'in') {
      return { kind: 'in', field, values: this.literalList(), negated: false };
    }
    if (token.kind === 'keyword' && token.keyword === 'not') {
      if (this.acceptKeyword('in')) {
        return { kind: 'in', field, values: this.literalList(), negated: true };
      }
      this.expectKeyword('like');
      return { kind: 'like', field, pattern: this.stringLiteral(), negated: true };
    }
    if (token.kind === 'keyword' && token.keyword === 'is') {
      const negated = this.acceptKeyword('not');
      this.expectKeyword('null');
      return { kind: 'isNull', field, negated };
    }
    throw new RoqlSyntaxError(
      `Expected a comparison operator, LIKE, IN or IS after ${field} but found ${describe(token)}`,
      token.position,
    );
  }

  private literal(): RoqlLiteral {
    const token = this.next();
    if (token.kind === 'string') return { kind: 'string', value: token.value };
    if (token.kind === 'integer') return { kind: 'integer', value: token.value };
    throw new RoqlSyntaxError(
      `Expected a string or integer literal but found ${describe(token)}`,
      token.position,
    );
  }

  // literalList := ( literal {, literal} )
  private literalList(): RoqlLiteral[] {
    if (!this.atPunctuation('(')) this.fail(`Expected '(' but found ${describe(this.peek())}`);
    this.next();
    const values = [this.literal()];
    while (this.atPunctuation(',')) {
      this.next();
      if (values.length >= MAX_IN_VALUES) this.fail(`More than ${MAX_IN_VALUES} values in IN`);
      values.push(this.literal());
    }
    if (!this.atPunctuation(')'))
      this.fail(`Expected ',' or ')' but found ${describe(this.peek())}`);
    this.next();
    return values;
  }

  private stringLiteral(): string {
    const token = this.next();
    if (token.kind !== 'string') {
      throw new RoqlSyntaxError(
        `Expected a string literal but found ${describe(token)}`,
        token.position,
      );
    }
    return token.value;
  }

  // select := SELECT field {, field} FROM table [WHERE condition]
  //           [ORDER BY field [ASC|DESC] {, ...}] [LIMIT n] [OFFSET n]
  select(): RoqlSelect {
    this.expectKeyword('select');
    const columns = [this.expectIdentifier('a column name')];
    while (this.atPunctuation(',')) {
      this.next();
      columns.push(this.expectIdentifier('a column name'));
    }
    this.expectKeyword('from');
    const table = this.expectIdentifier('a table name');
    const statement: RoqlSelect = { columns, table, orderBy: [] };
    if (this.acceptKeyword('where')) statement.where = this.condition();
    if (this.acceptKeyword('order')) {
      this.expectKeyword('by');
      for (;;) {
        const field = this.expectIdentifier('a field name');
        let direction: 'asc' | 'desc' = 'asc';
        if (this.acceptKeyword('desc')) direction = 'desc';
        else this.acceptKeyword('asc');
        statement.orderBy.push({ field, direction });
        if (!this.atPunctuation(',')) break;
        this.next();
      }
    }
    if (this.acceptKeyword('limit')) statement.limit = this.expectInteger('a row limit');
    if (this.acceptKeyword('offset')) statement.offset = this.expectInteger('a row offset');
    return statement;
  }
}

/** Parses the where clause given as `q=` to a collection. */
export function parseRoqlCondition(input: string): RoqlCondition {
  const parser = new Parser(tokenize(input));
  if (parser.peek().kind === 'end') parser.fail('The query is empty');
  const condition = parser.condition();
  parser.expectEnd();
  return condition;
}

/** Parses the `query=` of queryResults: one or more select statements separated by ';'. */
export function parseRoqlQueries(input: string): RoqlSelect[] {
  const tokens = tokenize(input);
  const statements: RoqlSelect[] = [];
  let start = 0;
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i];
    const isSeparator = token.kind === 'punctuation' && token.text === ';';
    if (!isSeparator && token.kind !== 'end') continue;
    // An empty statement (e.g. the trailing ';' in Oracle's own example) is skipped.
    if (i > start) {
      const parser = new Parser([
        ...tokens.slice(start, i),
        { kind: 'end', position: token.position },
      ]);
      statements.push(parser.select());
      parser.expectEnd();
    }
    start = i + 1;
  }
  if (statements.length === 0) throw new RoqlSyntaxError('The query is empty', 0);
  return statements;
}
