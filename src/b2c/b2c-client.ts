import { HttpService } from '@nestjs/axios';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AxiosRequestConfig } from 'axios';
import { firstValueFrom } from 'rxjs';
import { GatewayConfig } from '../config/gateway-config';
import { throttlePauseMs, toB2cError } from './b2c-error';
import { B2C_FLOW_CONTROL, type B2cFlowControl } from './flow-control/b2c-flow-control.port';
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

export interface NewIncident {
  subject: string;
  contactId: number;
  noteText: string;
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

  async incidentThreadTexts(incidentId: number): Promise<string[]> {
    const threads = await this.request<{ items?: Thread[] }>({
      method: 'GET',
      url: `incidents/${roqlInteger(incidentId)}/threads`,
      params: { expand: 'all' },
    });
    return (threads.items ?? []).flatMap((thread) =>
      typeof thread.text === 'string' ? [thread.text] : [],
    );
  }

  /**
   * Every call waits for its turn first (pause and rate); the axios timeout only starts once the
   * request is sent, so time spent waiting is never a timeout.
   */
  private async request<T>(config: AxiosRequestConfig): Promise<T> {
    await this.flow.acquire();
    try {
      const response = await firstValueFrom(this.http.request<T>(config));
      return response.data;
    } catch (error) {
      const failure = toB2cError(
        error,
        config.method ?? 'GET',
        `/${config.url ?? ''}`,
        this.settleMs,
      );
      const pauseMs = throttlePauseMs(failure);
      if (pauseMs !== undefined) await this.pauseEveryone(pauseMs);
      throw failure;
    }
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
