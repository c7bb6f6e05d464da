import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, Matches } from 'class-validator';

/** `arn:<partition>:sns:<region>:<12-digit account>:<topic name>` (FIFO topics end in .fifo). */
export const SNS_TOPIC_ARN =
  /^arn:aws(?:-[a-z]+)*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(?:\.fifo)?$/;

/**
 * `vendors.aws-sns` settings. Nothing is secret: SNS signs with AWS's private key and the
 * gateway checks with AWS's public certificate.
 */
export class AwsSnsSettings {
  /**
   * The topics whose messages are accepted (`VENDOR_AWS_SNS__TOPIC_ARNS`, comma-separated).
   * Required: any AWS account can create a topic and subscribe this URL, and its messages
   * carry valid AWS signatures. Without the list the gateway would confirm that subscription
   * and open incidents for whatever the stranger publishes.
   */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(/[\s,]+/)
          .map((arn) => arn.trim())
          .filter(Boolean)
      : value,
  )
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(100)
  @Matches(SNS_TOPIC_ARN, {
    each: true,
    message:
      'topicArns must be SNS topic ARNs such as arn:aws:sns:us-east-1:123456789012:inbound-sms',
  })
  topicArns!: string[];
}
