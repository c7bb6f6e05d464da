/**
 * What the REST dispatcher needs to know about one request, read from the raw Fastify request:
 * the version and resource path split off /services/rest/connect, the query, the body (parsed as
 * JSON when it is JSON) and the origin used for Oracle-style absolute links.
 */
import type { FastifyRequest } from 'fastify';

import { Hrefs } from './representations';

export const REST_PREFIX = '/services/rest/connect';

export interface RestRequest {
  method: string;
  /** Version segment as sent ("v1.4"); "" when the URL stops at /services/rest/connect. */
  version: string;
  /** Decoded resource segments after the version, e.g. ["contacts", "1"]; undefined if undecodable. */
  segments: string[] | undefined;
  /** Path after the version prefix, e.g. "/contacts/1" ("/" for the version root). */
  path: string;
  /** Request path without the query, e.g. "/services/rest/connect/v1.4/contacts/1". */
  fullPath: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[] | undefined>;
  /** Raw body text, undefined when there was none. */
  rawBody: string | undefined;
  /** Parsed JSON body; undefined when absent or not valid JSON (see `bodyIsJson`). */
  body: unknown;
  bodyIsJson: boolean;
  origin: string;
  /** Absolute URL as requested, query included. */
  selfHref: string;
  hrefs: Hrefs;
}

function readQuery(query: unknown): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  if (typeof query !== 'object' || query === null) return result;
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === 'string') result[key] = value;
    else if (Array.isArray(value)) result[key] = value.map(String);
  }
  return result;
}

function decodeSegments(raw: string[]): string[] | undefined {
  try {
    return raw.map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

export function readRestRequest(request: FastifyRequest): RestRequest {
  const [fullPath] = request.url.split('?', 1);
  const afterPrefix = fullPath.slice(REST_PREFIX.length);
  // Empty segments come from trailing or doubled slashes; Oracle's own example has "queryResults/?".
  const rawSegments = afterPrefix.split('/').filter((segment) => segment !== '');
  const decoded = decodeSegments(rawSegments);
  const version = decoded?.[0] ?? rawSegments[0] ?? '';
  const segments = decoded?.slice(1);
  const path = `/${(segments ?? rawSegments.slice(1)).join('/')}`;

  const rawBody =
    typeof request.body === 'string' && request.body !== '' ? request.body : undefined;
  let body: unknown = undefined;
  let bodyIsJson = false;
  if (rawBody !== undefined) {
    try {
      body = JSON.parse(rawBody) as unknown;
      bodyIsJson = true;
    } catch {
      bodyIsJson = false;
    }
  }

  const host = request.host === '' ? 'localhost' : request.host;
  const origin = `${request.protocol}://${host}`;
  return {
    method: request.method.toUpperCase(),
    version,
    segments,
    path,
    fullPath,
    query: readQuery(request.query),
    headers: request.headers,
    rawBody,
    body,
    bodyIsJson,
    origin,
    selfHref: `${origin}${request.url}`,
    hrefs: new Hrefs(origin, version === '' ? 'latest' : version),
  };
}

export function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
