import { describe, expect, it } from 'vitest';
import { smsSegments } from '../../../src/otp/gsm7.ts';

describe('smsSegments: encoding, units and billed segments', () => {
  it('a GSM-7 text fills one segment up to 160 septets, then splits into parts of 153', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
    expect(smsSegments('a'.repeat(306))).toEqual({ encoding: 'GSM-7', units: 306, segments: 2 });
    expect(smsSegments('a'.repeat(307))).toEqual({ encoding: 'GSM-7', units: 307, segments: 3 });
  });

  it('extension-table characters take two septets', () => {
    expect(smsSegments('€{}')).toEqual({ encoding: 'GSM-7', units: 6, segments: 1 });
    expect(smsSegments(`${'a'.repeat(158)}€`)).toMatchObject({ units: 160, segments: 1 });
    expect(smsSegments(`${'a'.repeat(159)}€`)).toMatchObject({ units: 161, segments: 2 });
  });

  it('accented letters of the GSM table stay GSM-7; one outside it turns the whole text UCS-2', () => {
    expect(smsSegments('è é ù ì ò Ç Ø ø Å å Ä Ö Ñ Ü ä ö ñ ü à É').encoding).toBe('GSM-7');
    for (const char of ['á', 'í', 'ó', 'ú', 'ã', 'õ', 'ê', 'ç', 'ı', 'ğ']) {
      expect(smsSegments(`${'a'.repeat(100)}${char}`), char).toEqual({
        encoding: 'UCS-2',
        units: 101,
        segments: 2,
      });
    }
  });

  it('a UCS-2 text fills one segment up to 70 units, then splits into parts of 67', () => {
    expect(smsSegments('я'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(smsSegments('я'.repeat(71))).toEqual({ encoding: 'UCS-2', units: 71, segments: 2 });
    expect(smsSegments('я'.repeat(134))).toEqual({ encoding: 'UCS-2', units: 134, segments: 2 });
    expect(smsSegments('я'.repeat(135))).toEqual({ encoding: 'UCS-2', units: 135, segments: 3 });
  });

  it('a character outside the Basic Multilingual Plane counts two UCS-2 units', () => {
    expect(smsSegments('😀')).toEqual({ encoding: 'UCS-2', units: 2, segments: 1 });
    expect(smsSegments(`${'я'.repeat(68)}😀`)).toMatchObject({ units: 70, segments: 1 });
    expect(smsSegments(`${'я'.repeat(69)}😀`)).toMatchObject({ units: 71, segments: 2 });
  });
});
