import { HttpService } from '@nestjs/axios';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { AxiosRequestConfig } from 'axios';
import { firstValueFrom } from 'rxjs';
import { GatewayConfig } from '../config/gateway-config';
import { toB2cError } from './b2c-error';
import { B2C_RATE_LIMITER, localB2cRateLimiter, type B2cRateLimiter } from './b2c-rate-limiter';
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
 * The Connect REST calls the gateway makes. Base URL, Application-Context header, credentials,
 * timeout and keep-alive agents are set once on the HttpModule (see b2c.module.ts).
 */
@Injectable()
export class B2cClient {
  private readonly settleMs: number;
  private readonly limiter: B2cRateLimiter;

  /** `limiter`: a shared (e.g. cross-process) limiter when one is provided; else this process's. */
  constructor(
    private readonly http: HttpService,
    config: GatewayConfig,
    @Optional() @Inject(B2C_RATE_LIMITER) limiter?: B2cRateLimiter,
  ) {
    this.settleMs = config.b2c.settleDelayMs;
    this.limiter = limiter ?? localB2cRateLimiter(config.b2c.rateLimitPerSecond);
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

  private async request<T>(config: AxiosRequestConfig): Promise<T> {
    await this.limiter.acquire();
    try {
      const response = await firstValueFrom(this.http.request<T>(config));
      return response.data;
    } catch (error) {
      throw toB2cError(error, config.method ?? 'GET', `/${config.url ?? ''}`, this.settleMs);
    }
  }
}
