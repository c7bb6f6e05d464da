import { Module } from '@nestjs/common';
import { TwilioVoiceVendor } from './twilio-voice.vendor';

@Module({ providers: [TwilioVoiceVendor] })
export class TwilioVoiceModule {}
