import { HttpService } from '@nestjs/axios';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { AxiosRequestConfig } from 'axios';
import { firstValueFrom } from 'rxjs';
import { GatewayConfig } from '../config/gateway-config';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { type B2cCall, B2cCallEvents } from './b2c-call-events';
import { B2cError, throttlePauseMs, toB2cError } from './b2c-error';
import {
  B2C_FLOW_CONTROL,
  type B2cFlowControl,
} from '../delivery/flow-control/b2c-flow-control.port';
import { phoneNumberCondition, roqlDateTime, roqlInteger } from './roql';

interface Created {
  id: number;
}

interface Collection {
  items?: { id?: number }[];
}

interface QueryResults {
  items?: { rows?: string[][]; columnNames?: string[] }[];
}

interface Thread {
  text?: string;
}

export interface NewContact {
  first: string;
  last: string;
  mobilePhone: string;
}

/** What decides whether a follow-up may join an incident. */
export interface IncidentState {
  statusId?: number;
  status?: string;
  statusTypeId?: number;
  statusType?: string;
  /** Epoch ms; NaN when B2C gave none. */
  updatedAt: number;
}

/** A thread entry to add to an existing incident. */
export interface NewThread {
  text: string;
  entryType: 'Customer' | 'Note';
}

/** An agent's Response entry found by the reply poll. */
export interface ResponseEntry {
  incidentId: number;
  threadId: number;
  text: string;
  contentType: string;
  /** Epoch ms. */
  createdAt: number;
}

interface IncidentDocument {
  updatedTime?: string;
  statusWithType?: {
    status?: { id?: number; lookupName?: string };
    statusType?: { id?: number; lookupName?: string };
  };
}

/** Incident ids per ROQL statement of the reply poll: keeps each statement's text short. */
const IDS_PER_STATEMENT = 200;

/** Thread entry type ids are Oracle's fixed defaults; Response is 2. */
const RESPONSE_ENTRY_TYPE_ID = 2;

export interface NewIncident {
  subject: string;
  contactId: number;
  noteText: string;
  /** Also a Customer entry with the customer's words (conversations), before the Note. */
  customerText?: string;
}

/**
 * A pause B2C asks for is shared by every process and kept in the store: a corrupt header (or a
 * proxy's) must not stop deliveries for days. Oracle's pauses are seconds.
 */
export const MAX_PAUSE_MS = 15 * 60_000;

/**
 * The Connect REST calls the gateway makes. Base URL, Application-Context header, credentials,
 * timeout and keep-alive agents are set once on the HttpModule (see b2c.module.ts).
 */
@Injectable()
export class B2cClient {
  private readonly logger = new Logger(B2cClient.name);
  private readonly settleMs: number;

  constructor(
    private readonly http: HttpService,
    config: GatewayConfig,
    @Inject(B2C_FLOW_CONTROL) private readonly flow: B2cFlowControl,
    // Optional: a client built without MetricsModule still calls B2C, uncounted.
    @Optional() private readonly metrics?: GatewayMetrics,
    @Optional() private readonly calls?: B2cCallEvents,
  ) {
    this.settleMs = config.b2c.settleDelayMs;
  }

  async findContactIdsByPhone(e164: string): Promise<number[]> {
    const collection = await this.request<Collection>({
      method: 'GET',
      url: 'contacts',
      params: { q: phoneNumberCondition(e164) },
    });
    return (collection.items ?? []).flatMap((item) =>
      typeof item.id === 'number' ? [item.id] : [],
    );
  }

  /** The phone goes in the create itself: one call, so a crash cannot leave a contact without it. */
  async createContact(contact: NewContact): Promise<number> {
    const created = await this.request<Created>({
      method: 'POST',
      url: 'contacts',
      data: {
        name: { first: contact.first, last: contact.last },
        phones: [{ number: contact.mobilePhone, phoneType: { lookupName: 'Mobile Phone' } }],
      },
    });
    return created.id;
  }

  /** Incident and its Note thread in one call, so there is never an incident without its note. */
  async createIncident(incident: NewIncident): Promise<number> {
    const created = await this.request<Created>({
      method: 'POST',
      url: 'incidents',
      data: {
        subject: incident.subject,
        primaryContact: { id: incident.contactId },
        threads: [
          ...(incident.customerText !== undefined
            ? [
                {
                  text: incident.customerText,
                  entryType: { lookupName: 'Customer' },
                  contentType: { lookupName: 'text/plain' },
                },
              ]
            : []),
          {
            text: incident.noteText,
            entryType: { lookupName: 'Note' },
            contentType: { lookupName: 'text/plain' },
          },
        ],
      },
    });
    return created.id;
  }

  /** Incidents of a contact created at or after `sinceMs`, newest first. */
  async findIncidentIds(contactId: number, sinceMs: number): Promise<number[]> {
    const query =
      `select id from incidents where primaryContact.contact.id = ${roqlInteger(contactId)}` +
      ` and createdTime >= ${roqlDateTime(sinceMs)}`;
    const results = await this.request<QueryResults>({
      method: 'GET',
      url: 'queryResults',
      params: { query },
    });
    const rows = results.items?.[0]?.rows ?? [];
    return rows
      .map((row) => Number(row[0]))
      .filter((id) => Number.isSafeInteger(id))
      .sort((a, b) => b - a);
  }

  /**
   * Whether one of the incident's threads starts with `firstLine` (a message's marker): how an
   * attempt recognizes what an earlier one made but never recorded.
   */
  async hasThreadStartingWith(incidentId: number, firstLine: string): Promise<boolean> {
    const threads = await this.request<{ items?: Thread[] }>({
      method: 'GET',
      url: `incidents/${roqlInteger(incidentId)}/threads`,
      params: { expand: 'all' },
    });
    return (threads.items ?? []).some(
      (thread) => typeof thread.text === 'string' && thread.text.split('\n', 1)[0] === firstLine,
    );
  }

  /** The incident's status and last update; undefined when B2C has no such incident (404). */
  async incidentState(incidentId: number): Promise<IncidentState | undefined> {
    let incident: IncidentDocument;
    try {
      incident = await this.request<IncidentDocument>({
        method: 'GET',
        url: `incidents/${roqlInteger(incidentId)}`,
      });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    const { status, statusType } = incident.statusWithType ?? {};
    return {
      statusId: status?.id,
      status: status?.lookupName,
      statusTypeId: statusType?.id,
      statusType: statusType?.lookupName,
      updatedAt: Date.parse(incident.updatedTime ?? ''),
    };
  }

  /**
   * Adds threads to an incident and optionally sets its status, in one PATCH: B2C applies all
   * of it or none. Resolves false when the incident no longer exists (404).
   */
  async updateIncident(
    incidentId: number,
    update: { threads: NewThread[]; status?: string },
  ): Promise<boolean> {
    try {
      await this.request<unknown>({
        method: 'PATCH',
        url: `incidents/${roqlInteger(incidentId)}`,
        data: {
          ...(update.status ? { statusWithType: { status: { lookupName: update.status } } } : {}),
          threads: update.threads.map((thread) => ({
            text: thread.text,
            entryType: { lookupName: thread.entryType },
            contentType: { lookupName: 'text/plain' },
          })),
        },
      });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /**
   * Agents' Response entries created after `sinceMs` on these incidents: one queryResults
   * request for all of them (several ROQL statements when the list is long).
   */
  async findResponses(incidentIds: readonly number[], sinceMs: number): Promise<ResponseEntry[]> {
    if (incidentIds.length === 0) return [];
    const statements: string[] = [];
    for (let at = 0; at < incidentIds.length; at += IDS_PER_STATEMENT) {
      const ids = incidentIds
        .slice(at, at + IDS_PER_STATEMENT)
        .map(roqlInteger)
        .join(', ');
      statements.push(
        'select id, threads.id, threads.text, threads.contentType.lookupName, threads.createdTime' +
          ` from incidents where id in (${ids})` +
          ` and threads.entryType.id = ${RESPONSE_ENTRY_TYPE_ID}` +
          ` and threads.createdTime > ${roqlDateTime(sinceMs)} order by threads.id`,
      );
    }
    const results = await this.request<QueryResults>({
      method: 'GET',
      url: 'queryResults',
      params: { query: statements.join('; ') },
    });
    return (results.items ?? []).flatMap((table) =>
      (table.rows ?? []).flatMap((row): ResponseEntry[] => {
        const [incidentId, threadId, text, contentType, createdTime] = row;
        const entry = {
          incidentId: Number(incidentId),
          threadId: Number(threadId),
          text: text ?? '',
          contentType: contentType || 'text/plain',
          createdAt: Date.parse(createdTime ?? ''),
        };
        return Number.isSafeInteger(entry.incidentId) && Number.isSafeInteger(entry.threadId)
          ? [entry]
          : [];
      }),
    );
  }

  /**
   * Every call waits for its turn first (pause and rate); the axios timeout only starts once the
   * request is sent, so time spent waiting is never a timeout.
   */
  private async request<T>(config: AxiosRequestConfig): Promise<T> {
    await this.flow.acquire();
    const method = config.method ?? 'GET';
    const path = `/${config.url ?? ''}`;
    const startedAt = Date.now();
    const told = (status?: number, errorCode?: string): void =>
      this.tell({ method, path, startedAt, durationMs: Date.now() - startedAt, status, errorCode });
    try {
      const response = await firstValueFrom(this.http.request<T>(config));
      this.metrics?.b2cAnswered(method, response.status);
      told(response.status);
      return response.data;
    } catch (error) {
      const failure = toB2cError(error, method, path, this.settleMs);
      const { status, errorCode } = failure.failure.detail ?? {};
      const answered = typeof status === 'number' ? status : undefined;
      const code = typeof errorCode === 'string' ? errorCode : undefined;
      this.metrics?.b2cAnswered(method, answered, code);
      told(answered, code);
      const pauseMs = throttlePauseMs(failure);
      if (pauseMs !== undefined) await this.pauseEveryone(pauseMs);
      throw failure;
    }
  }

  private tell(call: B2cCall): void {
    this.calls?.emit({ ...call, method: call.method.toUpperCase() });
  }

  /**
   * Before the error reaches the worker: calls of deliveries already under way, here and in every
   * process on the store, wait from now on instead of collecting more 503s.
   */
  private async pauseEveryone(pauseMs: number): Promise<void> {
    try {
      await this.flow.pause(Date.now() + Math.min(pauseMs, MAX_PAUSE_MS));
    } catch (error) {
      // This process pauses anyway (flow control notes it before sharing it); the others will
      // get their own 503 and pause then.
      this.logger.warn(`could not share B2C's pause: ${(error as Error).message}`);
    }
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof B2cError && error.failure.detail?.status === 404;
}
