/**
 * JSON representations the emulator answers with, shaped like Oracle's:
 * - collection items carry id, lookupName, createdTime, updatedTime and a canonical link
 *   (example of the contacts collection in Oracle's docs, e.g. as quoted by
 *   https://blinkops-2.mintlify.app/docs/integrations/oracle-service-cloud/actions/list-contacts);
 * - collections carry `items`, `hasMore` and `links`; pagination uses limit/offset/totalResults and
 *   a default page of 1000 (https://docs.oracle.com/en/cloud/saas/b2c-service/cxsvc/c_osvc_manage_collections.html);
 * - links use rel canonical/self/describedby, the latter pointing at the metadata catalog
 *   (https://docs.oracle.com/en/cloud/saas/b2c-service/22a/cxsvc/c_osvc_access_metadata.html);
 * - references to other objects (an incident's primaryContact) and sub-lists (a contact's phones)
 *   are link objects, not inlined data;
 * - an incident's `statusWithType {status, statusType}` and a thread's `channel` are named IDs
 *   (incidents schema of
 *   https://docs.oracle.com/en/cloud/saas/b2c-service/cxsvc/op-services-rest-connect-v1.4-incidents-id-patch.html);
 *   a thread without a channel shows `channel: null`;
 * - queryResults: `items: [{tableName, count, columnNames, rows}]`
 *   (https://docs.oracle.com/en/cloud/saas/b2c-service/cxsvc/op-services-rest-connect-v1.4-queryresults-get.html).
 */
import {
  ContactRow,
  contactLookupName,
  EmailRow,
  IncidentRow,
  PhoneRow,
  TabularResult,
  ThreadRow,
} from './emulator-store';
import {
  EMAIL_ADDRESS_TYPES,
  namedIdById,
  PHONE_TYPES,
  statusWithType,
  THREAD_CHANNELS,
  THREAD_CONTENT_TYPES,
  THREAD_ENTRY_TYPES,
} from './named-ids';
import { formatOracleTime } from './roql-sql';

export interface Link {
  rel: string;
  href: string;
  mediaType?: string;
}

type Json = Record<string, unknown>;

/** Builds absolute hrefs for the site and API version the client addressed. */
export class Hrefs {
  readonly base: string;

  constructor(
    readonly origin: string,
    readonly version: string,
  ) {
    this.base = `${origin}/services/rest/connect/${version}`;
  }

  to(...segments: (string | number)[]): string {
    return [this.base, ...segments.map((s) => encodeURIComponent(String(s)))].join('/');
  }

  describedBy(resource: string): Link {
    return {
      rel: 'describedby',
      href: `${this.base}/metadata-catalog/${resource}`,
      mediaType: 'application/schema+json',
    };
  }
}

function objectLinks(href: string, hrefs: Hrefs, resource: string): Link[] {
  return [{ rel: 'self', href }, { rel: 'canonical', href }, hrefs.describedBy(resource)];
}

function subListLinks(href: string): { links: Link[] } {
  return {
    links: [
      { rel: 'self', href },
      { rel: 'full', href },
    ],
  };
}

export function contactItem(contact: ContactRow, hrefs: Hrefs): Json {
  return {
    id: contact.id,
    lookupName: contactLookupName(contact),
    createdTime: formatOracleTime(contact.createdMs),
    updatedTime: formatOracleTime(contact.updatedMs),
    links: [{ rel: 'canonical', href: hrefs.to('contacts', contact.id) }],
  };
}

export function contactJson(contact: ContactRow, hrefs: Hrefs): Json {
  const href = hrefs.to('contacts', contact.id);
  return {
    id: contact.id,
    lookupName: contactLookupName(contact),
    createdTime: formatOracleTime(contact.createdMs),
    updatedTime: formatOracleTime(contact.updatedMs),
    name: { first: contact.first, last: contact.last },
    emails: subListLinks(`${href}/emails`),
    phones: subListLinks(`${href}/phones`),
    links: objectLinks(href, hrefs, 'contacts'),
  };
}

/** A contact's phones are a list addressed by position, like its emails (`.../emails/0`). */
export function phoneJson(phone: PhoneRow, index: number, hrefs: Hrefs): Json {
  const href = hrefs.to('contacts', phone.contactId, 'phones', index);
  return {
    number: phone.number,
    phoneType: namedIdById(PHONE_TYPES, phone.phoneTypeId),
    rawNumber: phone.number.replace(/\D/g, ''),
    links: [
      { rel: 'self', href },
      { rel: 'canonical', href },
    ],
  };
}

export function emailJson(email: EmailRow, index: number, hrefs: Hrefs): Json {
  const href = hrefs.to('contacts', email.contactId, 'emails', index);
  return {
    address: email.address,
    addressType: namedIdById(EMAIL_ADDRESS_TYPES, email.addressTypeId),
    links: [
      { rel: 'self', href },
      { rel: 'canonical', href },
    ],
  };
}

export function incidentItem(incident: IncidentRow, hrefs: Hrefs): Json {
  return {
    id: incident.id,
    lookupName: incident.referenceNumber,
    createdTime: formatOracleTime(incident.createdMs),
    updatedTime: formatOracleTime(incident.updatedMs),
    links: [{ rel: 'canonical', href: hrefs.to('incidents', incident.id) }],
  };
}

export function incidentJson(incident: IncidentRow, hrefs: Hrefs): Json {
  const href = hrefs.to('incidents', incident.id);
  const contactHref = hrefs.to('contacts', incident.primaryContactId);
  return {
    id: incident.id,
    lookupName: incident.referenceNumber,
    createdTime: formatOracleTime(incident.createdMs),
    updatedTime: formatOracleTime(incident.updatedMs),
    // A reference: self is the relationship below the incident, canonical the contact itself.
    primaryContact: {
      links: [
        { rel: 'self', href: `${href}/primaryContact` },
        { rel: 'canonical', href: contactHref },
      ],
    },
    referenceNumber: incident.referenceNumber,
    statusWithType: statusWithType(incident.statusId),
    subject: incident.subject,
    threads: subListLinks(`${href}/threads`),
    links: objectLinks(href, hrefs, 'incidents'),
  };
}

export function threadJson(thread: ThreadRow, hrefs: Hrefs): Json {
  const href = hrefs.to('incidents', thread.incidentId, 'threads', thread.id);
  return {
    id: thread.id,
    channel: thread.channelId === null ? null : namedIdById(THREAD_CHANNELS, thread.channelId),
    contentType: namedIdById(THREAD_CONTENT_TYPES, thread.contentTypeId),
    createdTime: formatOracleTime(thread.createdMs),
    displayOrder: thread.displayOrder,
    entryType: namedIdById(THREAD_ENTRY_TYPES, thread.entryTypeId),
    text: thread.text,
    links: [
      { rel: 'self', href },
      { rel: 'canonical', href },
    ],
  };
}

export interface CollectionOptions {
  /** URL of the collection without query, e.g. .../contacts. */
  canonicalHref: string;
  /** URL exactly as requested, query included. */
  selfHref: string;
  resource: string;
  hasMore: boolean;
  /** URL of the next page when hasMore. */
  nextHref?: string;
  /** Present only when the client asked for totalResults=true. */
  totalResults?: number;
}

export function collectionJson(items: Json[], hrefs: Hrefs, options: CollectionOptions): Json {
  const links: Link[] = [
    { rel: 'canonical', href: options.canonicalHref },
    hrefs.describedBy(options.resource),
    { rel: 'self', href: options.selfHref },
  ];
  if (options.nextHref) links.push({ rel: 'next', href: options.nextHref });
  const body: Json = { items, hasMore: options.hasMore };
  if (options.totalResults !== undefined) body.totalResults = options.totalResults;
  body.links = links;
  return body;
}

export function queryResultsJson(results: TabularResult[], selfHref: string, hrefs: Hrefs): Json {
  return {
    items: results.map((result) => ({
      tableName: result.tableName,
      count: result.rows.length,
      columnNames: result.columnNames,
      rows: result.rows,
    })),
    links: [
      { rel: 'canonical', href: hrefs.to('queryResults') },
      hrefs.describedBy('queryResults'),
      { rel: 'self', href: selfHref },
    ],
  };
}
