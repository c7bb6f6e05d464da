import type { InboundMessage } from '../messages/inbound-message';

/** B2C keeps incident subjects short; the whole text is in the note. */
export const SUBJECT_MAX_CHARACTERS = 240;

const KIND_LABELS: Record<InboundMessage['kind'], string> = {
  sms: 'SMS',
  mms: 'MMS',
  voice: 'Call',
  voicemail: 'Voicemail',
  status: 'Status',
  reply: 'Reply',
};

/**
 * The message text on one line, cut to 240 characters (code points, so an emoji is never split).
 * A message without text (a picture, a voicemail without transcript) gets a descriptive subject.
 */
export function incidentSubject(message: InboundMessage): string {
  const text = message.text.replace(/\s+/g, ' ').trim();
  const subject = text || `${KIND_LABELS[message.kind]} from ${message.from}`;
  const characters = Array.from(subject);
  if (characters.length <= SUBJECT_MAX_CHARACTERS) return subject;
  return `${characters.slice(0, SUBJECT_MAX_CHARACTERS - 1).join('')}…`;
}

/**
 * The first line identifies the message exactly, so an attempt after a crash can recognize an
 * incident an earlier attempt created but never recorded.
 */
export function messageMarker(message: InboundMessage): string {
  return `gateway-message: ${message.vendor}/${message.messageId}`;
}

export function incidentNote(message: InboundMessage): string {
  const media = message.media.map(
    (item, index) =>
      `media ${index + 1}: ${item.url}${item.contentType ? ` (${item.contentType})` : ''}`,
  );
  return [
    messageMarker(message),
    `kind: ${message.kind}`,
    `from: ${message.from}`,
    `to: ${message.to}`,
    `received: ${message.receivedAt}`,
    ...media,
    '',
    message.text,
    '',
    'Original payload:',
    JSON.stringify(message.raw, null, 2),
  ].join('\n');
}

/** What the agent reads as the customer's own words: the text, then any media links. */
export function customerEntry(message: InboundMessage): string {
  const text = message.text.trim() || `(${KIND_LABELS[message.kind]} without text)`;
  return [text, ...message.media.map((item) => item.url)].join('\n');
}
