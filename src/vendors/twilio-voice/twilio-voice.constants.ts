/** Path segment, configuration key and `InboundMessage.vendor` value. */
export const TWILIO_VOICE_VENDOR_NAME = 'twilio-voice';

/** Twilio posts voice callbacks as forms, signed like every Twilio webhook. */
export const TWILIO_VOICE_FORM = 'application/x-www-form-urlencoded';
