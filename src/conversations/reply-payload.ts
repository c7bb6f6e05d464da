import type { InboundMessage } from '../messages/inbound-message';
import { REPLY_KIND } from '../messages/inbound-message';
import type { ResponseEntry } from '../b2c/b2c-client';
import type { Conversation } from './conversation-store.port';

/** `raw` of a reply message: where in B2C the response came from. */
export interface ReplySource {
  incidentId: number;
  threadId: number;
  contentType: string;
  createdAt: number;
}

/**
 * One agent response as an inbox message: keyed by its B2C thread id, so polls that see it again
 * (and other processes) store it once; to the customer, from the number they texted, through the
 * vendor they used.
 */
export function replyMessage(
  entry: ResponseEntry,
  conversation: Conversation,
  now: number,
): InboundMessage {
  const source: ReplySource = {
    incidentId: entry.incidentId,
    threadId: entry.threadId,
    contentType: entry.contentType,
    createdAt: entry.createdAt,
  };
  return {
    vendor: conversation.vendor,
    messageId: `reply-b2c-thread-${entry.threadId}`,
    kind: REPLY_KIND,
    from: conversation.ourNumber,
    to: conversation.customer,
    text: entry.text,
    media: [],
    receivedAt: new Date(now).toISOString(),
    raw: source,
  };
}

export function replySource(message: InboundMessage): ReplySource {
  return message.raw as ReplySource;
}
