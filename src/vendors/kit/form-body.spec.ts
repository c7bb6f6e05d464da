import { MalformedPayloadError } from '../../common/problem/gateway-error';
import { decodeForm, decodeSingleValuedForm, decodeUtf8, formPairsToRecord } from './form-body';

describe('decodeForm', () => {
  it('decodes like URLSearchParams for well-formed bodies', () => {
    const bodies = [
      '',
      'a=1',
      'a=1&a=2&b=',
      'Body=Ol%C3%A1+mundo+%F0%9F%98%80&From=%2B14158675309',
      '&&a=1&&',
      'flag&x==y',
      'k%20ey=v+al%2Bue',
      new URLSearchParams([['名前', '日本語 & more=yes']]).toString(),
    ];
    for (const body of bodies) {
      expect(decodeForm(Buffer.from(body))).toEqual([...new URLSearchParams(body)]);
    }
  });

  it('rejects a stray percent sign that URLSearchParams would keep literally', () => {
    expect(() => decodeForm(Buffer.from('Body=100%'))).toThrow(MalformedPayloadError);
    expect(() => decodeForm(Buffer.from('Body=%zz'))).toThrow(
      'form body is not valid percent-encoded UTF-8',
    );
  });

  it('rejects percent-encoded bytes that are not UTF-8', () => {
    expect(() => decodeForm(Buffer.from('Body=%FF%FE'))).toThrow(MalformedPayloadError);
    expect(() => decodeForm(Buffer.from('Body=%ED%A0%80'))).toThrow(MalformedPayloadError);
  });

  it('rejects raw bytes that are not UTF-8', () => {
    expect(() => decodeForm(Buffer.from([0x42, 0x3d, 0xc3, 0x28]))).toThrow(
      'form body is not valid UTF-8',
    );
  });
});

describe('decodeUtf8', () => {
  it('names what was not UTF-8', () => {
    expect(() => decodeUtf8(Buffer.from([0xff]), 'JSON body')).toThrow(
      'JSON body is not valid UTF-8',
    );
    expect(decodeUtf8(Buffer.from('Olá'), 'x')).toBe('Olá');
  });
});

describe('formPairsToRecord', () => {
  it('keeps repeated names as arrays in body order', () => {
    expect(
      formPairsToRecord([
        ['a', '2'],
        ['b', ''],
        ['a', '1'],
      ]),
    ).toEqual({ a: ['2', '1'], b: '' });
  });

  it('stores __proto__ as data instead of changing the prototype', () => {
    const record = formPairsToRecord([['__proto__', 'x']]);
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(Object.hasOwn(record, '__proto__')).toBe(true);
  });
});

describe('decodeSingleValuedForm', () => {
  it('gives one string per name and refuses a repeated name, naming it', () => {
    expect(decodeSingleValuedForm(Buffer.from('From=%2B1415&Body=hi+there'))).toEqual({
      From: '+1415',
      Body: 'hi there',
    });
    expect(() => decodeSingleValuedForm(Buffer.from('From=a&Body=x&From=b'))).toThrow(
      new MalformedPayloadError('From appears more than once', { field: 'From' }),
    );
  });
});
