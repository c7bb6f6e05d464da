import { Inject, Injectable } from '@nestjs/common';
import { GatewayError, ProblemCode } from '../common/problem/gateway-error';
import { DeadLettersService } from '../dead-letters/dead-letters.service';
import {
  type DeadLetterSelection,
  INBOX_STORE,
  type InboxStore,
  type MessageFilter,
} from '../inbox/inbox-store.port';
import { decodeCursor, encodeCursor } from './message-cursor';
import {
  DEFAULT_PAGE,
  type MessageFilterFields,
  type MessageSearchQuery,
} from './message-filter.fields';
import { type MessageDetail, type MessageSummary, toDetail, toSummary } from './message-log.view';
import type { MessageReplayBody } from './message-replay.body';
import { senderSearchValue } from './sender-search';

export interface MessagePage {
  items: MessageSummary[];
  /** Pass as `cursor` for the next page; null on the last one. */
  next: string | null;
}

/** 400 naming one parameter, as the validation pipe names them. */
function badParameter(name: string, reason: string): GatewayError {
  return new GatewayError(ProblemCode.BadRequest, reason, {
    invalidParams: [{ name, reason }],
  });
}

/**
 * The message log: search, one message's story, and replay. Replays go through the dead-letter
 * service, so they are requeued and audited exactly as a dead letter's replay is.
 */
@Injectable()
export class MessageLogService {
  constructor(
    @Inject(INBOX_STORE) private readonly store: InboxStore,
    private readonly deadLetters: DeadLettersService,
  ) {}

  /** Tells a live lease (`delivering`) from a stale one, on the store's clock (Date.now). */
  private readonly now = Date.now;

  async page(query: MessageSearchQuery): Promise<MessagePage> {
    const limit = query.limit ?? DEFAULT_PAGE;
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    // One more than asked says whether another page exists without a second query.
    const rows = await this.store.search(toFilter(query), limit + 1, after);
    const now = this.now();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => toSummary(row, now)),
      next:
        rows.length > limit ? encodeCursor({ receivedAt: last.receivedAt, seq: last.seq }) : null,
    };
  }

  async detail(id: number): Promise<MessageDetail> {
    const [stored, history] = await Promise.all([this.store.find(id), this.store.history(id)]);
    if (!stored) throw new GatewayError(ProblemCode.NotFound, `no message ${id}`);
    return toDetail(stored, this.now(), history);
  }

  /** Requeues the dead messages the body names or matches; resolves with how many. */
  replay(body: MessageReplayBody, admin: string): Promise<number> {
    return this.deadLetters.replay(toSelection(body), admin);
  }
}

function toSelection(body: MessageReplayBody): DeadLetterSelection {
  const { ids, ...fields } = body;
  const filter = toFilter(fields);
  if (ids !== undefined) {
    const given = Object.keys(filter);
    if (given.length > 0) {
      throw badParameter('ids', `ids cannot be combined with filters (${given.join(', ')})`);
    }
    return { seqs: [...new Set(ids)] };
  }
  if (filter.state !== undefined && filter.state !== 'dead') {
    throw badParameter(
      'state',
      'state must be dead or left out: replay requeues dead messages only (a delivered or ' +
        'skipped one replayed would reach B2C a second time)',
    );
  }
  return { filter };
}

/** The store's filter for validated fields: times in epoch ms, the sender as stored. */
function toFilter(fields: MessageFilterFields): MessageFilter {
  const filter: MessageFilter = {};
  if (fields.vendor !== undefined) filter.vendor = fields.vendor;
  if (fields.state !== undefined) filter.state = fields.state;
  if (fields.since !== undefined) filter.receivedFrom = epochMs('since', fields.since);
  if (fields.until !== undefined) filter.receivedBefore = epochMs('until', fields.until);
  if (
    filter.receivedFrom !== undefined &&
    filter.receivedBefore !== undefined &&
    filter.receivedFrom >= filter.receivedBefore
  ) {
    throw badParameter('until', 'until must be later than since');
  }
  if (fields.sender !== undefined) filter.sender = senderSearchValue(fields.sender);
  if (fields.messageId !== undefined) filter.messageId = fields.messageId;
  if (fields.incidentId !== undefined) filter.incidentId = fields.incidentId;
  return filter;
}

/** ISO 8601 forms Date cannot read (week dates, ordinal dates) are refused, not ignored. */
function epochMs(name: string, text: string): number {
  const at = Date.parse(text);
  if (Number.isNaN(at)) {
    throw badParameter(name, `${name} must be a date and time such as 2026-12-06T09:30:00Z`);
  }
  return at;
}
