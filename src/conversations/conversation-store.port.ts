/**
 * What every gateway process must agree on about SMS conversations: which incident a customer's
 * texts to one of our numbers join, who opted out, what was sent (for delivery receipts) and
 * which process polls B2C for agents' responses. One implementation per storage driver.
 */
export interface ConversationKey {
  /** The customer's number (E.164). */
  customer: string;
  /** The number the customer texted (E.164 as the vendor gave it): replies come from it. */
  ourNumber: string;
}

export interface Conversation extends ConversationKey {
  vendor: string;
  /** The newest incident the gateway opened or joined for this customer on this number. */
  incidentId: number;
  /** Epoch ms: when this incident became the conversation's. Responses before it are not sent. */
  startedAt: number;
  /** Epoch ms of the last text that opened or joined the incident. */
  lastActivityAt: number;
}

/** A reply the gateway sent, as far as the vendor's receipts tell. */
export interface SentReply {
  vendor: string;
  vendorMessageId: string;
  incidentId: number;
  customer: string;
  /** The vendor's last status word, e.g. `queued`, `delivered`, `undelivered`. */
  status: string;
  errorCode?: string;
  updatedAt: number;
}

export interface ConversationStore {
  find(key: ConversationKey): Promise<Conversation | undefined>;
  /**
   * `incidentId` is now the conversation's incident (opened or joined) at `at`. A different
   * incident replaces the one held, restarting `startedAt`; the same one only moves
   * `lastActivityAt` forward.
   */
  record(
    conversation: ConversationKey & { vendor: string; incidentId: number; at: number },
  ): Promise<void>;
  /** Conversations active at or after `since`, most recently active first, at most `limit`. */
  active(since: number, limit: number): Promise<Conversation[]>;
  /** STOP (true) or START (false) from `customer`, as of `at`; a later word wins. */
  setOptOut(customer: string, optedOut: boolean, at: number): Promise<void>;
  isOptedOut(customer: string): Promise<boolean>;
  /** A reply the vendor took; receipts update it. Recording it again changes nothing. */
  recordSent(sent: Omit<SentReply, 'updatedAt' | 'errorCode'> & { at: number }): Promise<void>;
  /** A receipt's status; undefined when the gateway never sent that message. */
  updateSentStatus(
    vendor: string,
    vendorMessageId: string,
    receipt: { status: string; errorCode?: string; at: number },
  ): Promise<SentReply | undefined>;
  getSent(vendor: string, vendorMessageId: string): Promise<SentReply | undefined>;
  /**
   * The reply poll's lease: `owner` may poll until `now + leaseMs` unless another owner holds an
   * unexpired lease (then undefined). Returns the cursor (epoch ms) the last poll saved.
   */
  claimPoll(owner: string, leaseMs: number, now: number): Promise<{ cursor?: number } | undefined>;
  /** Saves the cursor if `owner` still holds the lease; false otherwise. */
  savePollCursor(owner: string, cursor: number): Promise<boolean>;
  /** Gives the poll's lease up (a graceful stop), so another process polls at once. */
  releasePoll(owner: string): Promise<void>;
  close(): Promise<void>;
}

export const CONVERSATION_STORE = Symbol('ConversationStore');
