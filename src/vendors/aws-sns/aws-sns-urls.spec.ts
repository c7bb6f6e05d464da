import { SignatureRejectedError } from '../../common/problem/gateway-error';
import { assertSigningCertUrl, assertSubscribeUrl } from './aws-sns-urls';

const PEM = '/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem';

describe('SigningCertURL rule', () => {
  it.each([
    `https://sns.us-east-1.amazonaws.com${PEM}`,
    `https://sns.eu-central-1.amazonaws.com${PEM}`,
    `https://sns.us-gov-west-1.amazonaws.com${PEM}`,
    `https://sns.cn-north-1.amazonaws.com.cn${PEM}`,
  ])('accepts %s', (url) => {
    expect(assertSigningCertUrl(url).hostname).toMatch(/^sns\./);
  });

  it.each([
    ['a look-alike suffix', `https://sns.us-east-1.amazonaws.com.evil.com${PEM}`],
    ['the SNS name in the path', `https://evil.com/sns.us-east-1.amazonaws.com${PEM}`],
    ['the SNS name as userinfo', `https://sns.us-east-1.amazonaws.com@evil.com${PEM}`],
    ['userinfo before the SNS host', `https://user:pw@sns.us-east-1.amazonaws.com${PEM}`],
    ['an empty userinfo', `https://@sns.us-east-1.amazonaws.com${PEM}`],
    ['plain http', `http://sns.us-east-1.amazonaws.com${PEM}`],
    ['another port', `https://sns.us-east-1.amazonaws.com:8443${PEM}`],
    ['an explicit 443', `https://sns.us-east-1.amazonaws.com:443${PEM}`],
    ['an upper-case host', `https://SNS.us-east-1.amazonaws.com${PEM}`],
    ['a percent-encoded host', `https://sns.us-east-1.amazonaws%2ecom${PEM}`],
    ['a backslash', `https://sns.us-east-1.amazonaws.com\\@evil.com${PEM}`],
    ['whitespace', ` https://sns.us-east-1.amazonaws.com${PEM}`],
    ['another AWS service', `https://s3.us-east-1.amazonaws.com${PEM}`],
    ['a subdomain of an SNS host', `https://x.sns.us-east-1.amazonaws.com${PEM}`],
    ['a host without region', `https://sns.amazonaws.com${PEM}`],
    ['an IP address', `https://54.239.28.85${PEM}`],
    ['a path not ending in .pem', 'https://sns.us-east-1.amazonaws.com/cert.txt'],
    ['a query after .pem', `https://sns.us-east-1.amazonaws.com${PEM}?x=1`],
    ['a fragment', `https://sns.us-east-1.amazonaws.com${PEM}#x`],
    ['not a URL', 'sns.us-east-1.amazonaws.com/x.pem'],
  ])('refuses %s', (_label, url) => {
    expect(() => assertSigningCertUrl(url)).toThrow(SignatureRejectedError);
  });
});

describe('SubscribeURL rule', () => {
  const arn = 'arn:aws:sns:us-east-1:123456789012:b2c-inbound-sms';

  it('accepts the ConfirmSubscription URL SNS sends', () => {
    const url = `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${arn}&Token=2336412f37`;
    expect(assertSubscribeUrl(url).href).toBe(url);
  });

  it.each([
    `https://sns.us-east-1.amazonaws.com.evil.com/?Action=ConfirmSubscription&TopicArn=${arn}`,
    `http://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${arn}`,
    `https://a@sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${arn}`,
    `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&TopicArn=${arn}`,
    `https://sns.us-east-1.amazonaws.com/?Action=Publish&TopicArn=${arn}&Message=x`,
  ])('refuses %s', (url) => {
    expect(() => assertSubscribeUrl(url)).toThrow(SignatureRejectedError);
  });
});
