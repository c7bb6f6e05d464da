import type { InboundMessage } from '../messages/inbound-message';
import {
  incidentNote,
  incidentSubject,
  messageMarker,
  SUBJECT_MAX_CHARACTERS,
} from './incident-content';

const base: InboundMessage = {
  vendor: 'twilio',
  messageId: 'SM123',
  kind: 'sms',
  from: '+14155552671',
  to: '+14155550100',
  text: 'My  order\nhas not arrived',
  media: [],
  receivedAt: '2026-11-23T09:00:00.000Z',
  raw: { MessageSid: 'SM123', Body: 'My  order\nhas not arrived' },
};

describe('incident content', () => {
  it('uses the text on one line as the subject', () => {
    expect(incidentSubject(base)).toBe('My order has not arrived');
  });

  it('cuts long subjects to 240 characters without splitting an emoji', () => {
    const subject = incidentSubject({ ...base, text: '😀'.repeat(300) });
    expect(Array.from(subject)).toHaveLength(SUBJECT_MAX_CHARACTERS);
    expect(subject.endsWith('…')).toBe(true);
    expect(subject).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('describes a message without text', () => {
    expect(incidentSubject({ ...base, kind: 'mms', text: '  ' })).toBe('MMS from +14155552671');
  });

  it('starts the note with the exact message marker and keeps the payload', () => {
    const note = incidentNote({
      ...base,
      media: [{ url: 'https://media.example/1', contentType: 'image/png' }],
    });
    const lines = note.split('\n');
    expect(lines[0]).toBe(messageMarker(base));
    expect(lines[0]).toBe('gateway-message: twilio/SM123');
    expect(note).toContain('media 1: https://media.example/1 (image/png)');
    expect(note).toContain(JSON.stringify(base.raw, null, 2));
  });
});
