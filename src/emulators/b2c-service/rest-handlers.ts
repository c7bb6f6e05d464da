/**
 * Resource handlers of the emulated Connect REST API: contacts (with phones and emails), incidents
 * (with threads) and queryResults. They run after the dispatcher has checked version, credentials
 * and headers, get the typed request, and return an answer or throw EmulatorHttpError.
 *
 * Created objects are answered with 201, a Location header and the object, as REST APIs of Oracle
 * document ("The response includes a Location header containing the canonical URI for the newly
 * created resource", e.g. https://docs.oracle.com/en/cloud/paas/soa-cloud/scsap/StatusCodes.html).
 * Updates (PATCH) and deletes answer 200 with an empty body, as the Connect REST API does for
 * "Update an incident" / "Delete an incident" (op-services-rest-connect-v1.4-incidents-id-patch
 * and -delete under https://docs.oracle.com/en/cloud/saas/b2c-service/cxsvc/).
 */
import { EmulatorStore, Page } from './emulator-store';
import { PHONE_TYPES, namedIdById } from './named-ids';
import { EmulatorHttpError, ErrorCode } from './oracle-error';
import {
  parseContactBody,
  parseIncidentBody,
  parseIncidentPatchBody,
  parsePhoneBody,
  parseThreadBody,
} from './payload-validation';
import {
  collectionJson,
  contactItem,
  contactJson,
  emailJson,
  incidentItem,
  incidentJson,
  phoneJson,
  queryResultsJson,
  threadJson,
} from './representations';
import { RestRequest } from './rest-request';
import { parseRoqlCondition, parseRoqlQueries, RoqlCondition } from './roql';

export interface RestAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface HandlerContext {
  store: EmulatorStore;
  now: () => number;
}

export type Handler = (request: RestRequest, ids: number[], context: HandlerContext) => RestAnswer;

export interface Route {
  /** Literal segments, or ':id' for a positive integer id / ':n' for a non-negative integer. */
  pattern: readonly string[];
  methods: Readonly<Partial<Record<string, Handler>>>;
}

/** Oracle's default page is 1000 records, its maximum 20,000 (Manage Collections). */
const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 20_000;

function singleQueryValue(request: RestRequest, name: string): string | undefined {
  const value = request.query[name];
  if (Array.isArray(value)) {
    throw new EmulatorHttpError(
      400,
      ErrorCode.InvalidQueryParameter,
      `The query parameter '${name}' was given more than once`,
    );
  }
  return value;
}

function integerQueryValue(
  request: RestRequest,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = singleQueryValue(request, name);
  if (text === undefined) return fallback;
  const value = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) {
    throw new EmulatorHttpError(
      400,
      ErrorCode.InvalidQueryParameter,
      `The query parameter '${name}' must be an integer from ${min} to ${max}`,
    );
  }
  return value;
}

interface ListOptions {
  where?: RoqlCondition;
  limit: number;
  offset: number;
  totalResults: boolean;
}

function listOptions(request: RestRequest): ListOptions {
  const q = singleQueryValue(request, 'q');
  const totalResults = singleQueryValue(request, 'totalResults');
  if (totalResults !== undefined && totalResults !== 'true' && totalResults !== 'false') {
    throw new EmulatorHttpError(
      400,
      ErrorCode.InvalidQueryParameter,
      "The query parameter 'totalResults' must be true or false",
    );
  }
  return {
    // Syntax errors surface as RoqlSyntaxError; the dispatcher answers them with 400.
    where: q === undefined ? undefined : parseRoqlCondition(q),
    limit: integerQueryValue(request, 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT),
    offset: integerQueryValue(request, 'offset', 0, 0, 1_000_000_000),
    totalResults: totalResults === 'true',
  };
}

function collectionAnswer<T>(
  request: RestRequest,
  resource: string,
  options: ListOptions,
  page: Page<T>,
  item: (row: T) => Record<string, unknown>,
): RestAnswer {
  const hasMore = options.offset + page.rows.length < page.total;
  let nextHref: string | undefined;
  if (hasMore) {
    // Rebuilt from the query string alone: parsing the whole URL would trust the Host header.
    const mark = request.selfHref.indexOf('?');
    const base = mark < 0 ? request.selfHref : request.selfHref.slice(0, mark);
    const params = new URLSearchParams(mark < 0 ? '' : request.selfHref.slice(mark + 1));
    params.set('limit', String(options.limit));
    params.set('offset', String(options.offset + page.rows.length));
    nextHref = `${base}?${params.toString()}`;
  }
  return {
    status: 200,
    body: collectionJson(page.rows.map(item), request.hrefs, {
      canonicalHref: request.hrefs.to(resource),
      selfHref: request.selfHref,
      resource,
      hasMore,
      nextHref,
      totalResults: options.totalResults ? page.total : undefined,
    }),
  };
}

function created(location: string, body: unknown): RestAnswer {
  return { status: 201, body, headers: { location } };
}

function notFound(objectName: string, id: number): EmulatorHttpError {
  return new EmulatorHttpError(404, ErrorCode.CannotRead, `No such ${objectName} with ID = ${id}`);
}

function requireContact(context: HandlerContext, id: number) {
  const contact = context.store.getContact(id);
  if (!contact) throw notFound('Contact', id);
  return contact;
}

function requireIncident(context: HandlerContext, id: number) {
  const incident = context.store.getIncident(id);
  if (!incident) throw notFound('Incident', id);
  return incident;
}

const listContacts: Handler = (request, _ids, context) => {
  const options = listOptions(request);
  const page = context.store.listContacts(options.where, options.limit, options.offset);
  return collectionAnswer(request, 'contacts', options, page, (row) =>
    contactItem(row, request.hrefs),
  );
};

const createContact: Handler = (request, _ids, context) => {
  const contact = context.store.createContact(parseContactBody(request.body), context.now());
  return created(request.hrefs.to('contacts', contact.id), contactJson(contact, request.hrefs));
};

const getContact: Handler = (request, [id], context) => ({
  status: 200,
  body: contactJson(requireContact(context, id), request.hrefs),
});

function subList(request: RestRequest, items: Record<string, unknown>[]): RestAnswer {
  const href = `${request.origin}${request.fullPath.replace(/\/+$/, '')}`;
  return {
    status: 200,
    body: {
      items,
      links: [
        { rel: 'self', href },
        { rel: 'canonical', href },
      ],
    },
  };
}

// A contact's phones are keyed by phone type (one phone per type), which is also the index used
// in their hrefs, so an href stays valid when another phone is added.
const listPhones: Handler = (request, [id], context) => {
  requireContact(context, id);
  const phones = context.store.phones(id);
  return subList(
    request,
    phones.map((phone) => phoneJson(phone, phone.phoneTypeId, request.hrefs)),
  );
};

const getPhone: Handler = (request, [id, phoneTypeId], context) => {
  requireContact(context, id);
  const phone = context.store.phones(id).find((p) => p.phoneTypeId === phoneTypeId);
  if (!phone) {
    throw new EmulatorHttpError(
      404,
      ErrorCode.CannotRead,
      `Contact ID = ${id} has no phone ${phoneTypeId}`,
    );
  }
  return { status: 200, body: phoneJson(phone, phone.phoneTypeId, request.hrefs) };
};

const addPhone: Handler = (request, [id], context) => {
  requireContact(context, id);
  const input = parsePhoneBody(request.body);
  const phone = context.store.addPhone(id, input, context.now());
  if (!phone) {
    const type = namedIdById(PHONE_TYPES, input.phoneTypeId).lookupName;
    throw new EmulatorHttpError(
      400,
      ErrorCode.WriteFailed,
      `Contact ID = ${id} already has a phone of type '${type}'`,
    );
  }
  return created(
    request.hrefs.to('contacts', id, 'phones', phone.phoneTypeId),
    phoneJson(phone, phone.phoneTypeId, request.hrefs),
  );
};

const listEmails: Handler = (request, [id], context) => {
  requireContact(context, id);
  const emails = context.store.emails(id);
  return subList(
    request,
    emails.map((email) => emailJson(email, email.addressTypeId, request.hrefs)),
  );
};

const listIncidents: Handler = (request, _ids, context) => {
  const options = listOptions(request);
  const page = context.store.listIncidents(options.where, options.limit, options.offset);
  return collectionAnswer(request, 'incidents', options, page, (row) =>
    incidentItem(row, request.hrefs),
  );
};

const createIncident: Handler = (request, _ids, context) => {
  const result = context.store.createIncident(parseIncidentBody(request.body), context.now());
  if (!result.ok) throw new EmulatorHttpError(400, ErrorCode.WriteFailed, result.problem);
  return created(
    request.hrefs.to('incidents', result.incident.id),
    incidentJson(result.incident, request.hrefs),
  );
};

const getIncident: Handler = (request, [id], context) => ({
  status: 200,
  body: incidentJson(requireIncident(context, id), request.hrefs),
});

const updateIncident: Handler = (request, [id], context) => {
  requireIncident(context, id);
  const patch = parseIncidentPatchBody(request.body);
  const result = context.store.updateIncident(id, patch, context.now());
  if (!result.ok) {
    if (result.notFound) throw notFound('Incident', id); // deleted meanwhile
    throw new EmulatorHttpError(400, ErrorCode.WriteFailed, result.problem);
  }
  return { status: 200 };
};

const deleteIncident: Handler = (_request, [id], context) => {
  if (!context.store.deleteIncident(id)) throw notFound('Incident', id);
  return { status: 200 };
};

const getPrimaryContact: Handler = (request, [id], context) => {
  const incident = requireIncident(context, id);
  return {
    status: 200,
    body: contactJson(requireContact(context, incident.primaryContactId), request.hrefs),
  };
};

const listThreads: Handler = (request, [id], context) => {
  requireIncident(context, id);
  const threads = context.store.threads(id);
  return subList(
    request,
    threads.map((thread) => threadJson(thread, request.hrefs)),
  );
};

const getThread: Handler = (request, [id, threadId], context) => {
  requireIncident(context, id);
  const thread = context.store.getThread(id, threadId);
  if (!thread) throw notFound('Thread', threadId);
  return { status: 200, body: threadJson(thread, request.hrefs) };
};

const addThread: Handler = (request, [id], context) => {
  requireIncident(context, id);
  const thread = context.store.addThread(id, parseThreadBody(request.body), context.now());
  return created(
    request.hrefs.to('incidents', id, 'threads', thread.id),
    threadJson(thread, request.hrefs),
  );
};

const queryResults: Handler = (request, _ids, context) => {
  const query = singleQueryValue(request, 'query');
  if (query === undefined || query.trim() === '') {
    throw new EmulatorHttpError(
      400,
      ErrorCode.InvalidQueryParameter,
      "queryResults needs the query parameter 'query' with one or more ROQL select statements",
    );
  }
  const results = parseRoqlQueries(query).map((statement) => context.store.runSelect(statement));
  return { status: 200, body: queryResultsJson(results, request.selfHref, request.hrefs) };
};

export const ROUTES: readonly Route[] = [
  { pattern: ['contacts'], methods: { GET: listContacts, POST: createContact } },
  { pattern: ['contacts', ':id'], methods: { GET: getContact } },
  { pattern: ['contacts', ':id', 'phones'], methods: { GET: listPhones, POST: addPhone } },
  { pattern: ['contacts', ':id', 'phones', ':n'], methods: { GET: getPhone } },
  { pattern: ['contacts', ':id', 'emails'], methods: { GET: listEmails } },
  { pattern: ['incidents'], methods: { GET: listIncidents, POST: createIncident } },
  {
    pattern: ['incidents', ':id'],
    methods: { GET: getIncident, PATCH: updateIncident, DELETE: deleteIncident },
  },
  { pattern: ['incidents', ':id', 'primaryContact'], methods: { GET: getPrimaryContact } },
  { pattern: ['incidents', ':id', 'threads'], methods: { GET: listThreads, POST: addThread } },
  { pattern: ['incidents', ':id', 'threads', ':id'], methods: { GET: getThread } },
  { pattern: ['queryResults'], methods: { GET: queryResults } },
];

export interface RouteMatch {
  route: Route;
  ids: number[];
}

export function matchRoute(segments: readonly string[]): RouteMatch | undefined {
  for (const route of ROUTES) {
    if (route.pattern.length !== segments.length) continue;
    const ids: number[] = [];
    const matches = route.pattern.every((part, i) => {
      const segment = segments[i];
      if (part !== ':id' && part !== ':n') return part === segment;
      if (!/^\d{1,15}$/.test(segment)) return false;
      const value = Number(segment);
      if (part === ':id' && value < 1) return false;
      ids.push(value);
      return true;
    });
    if (matches) return { route, ids };
  }
  return undefined;
}
