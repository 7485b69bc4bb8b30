import { describe, expect, it } from 'vitest';
import {
  DATA_MAX_PAYLOAD_BYTES,
  base64DecodedLength,
  base64ToBytes,
  bytesToBase64,
  checkDataPayload,
  checkReliability,
  checkStoreKey,
  checkStoreValue,
  decodeDataPayload,
  encodeDataPayload,
} from './collab.js';
import { ErrorCode } from './errors.js';

const codeOf = (run: () => unknown) => {
  try {
    run();
    return undefined;
  } catch (err) {
    return (err as { code?: number }).code;
  }
};

describe('data payloads', () => {
  it('bytes survive base64 both ways, across the encoder chunk size, and the decoded length is exact', () => {
    for (const size of [0, 1, 2, 3, 4, 5, 0x8000 - 1, 0x8000, 0x8000 + 7, 40_000]) {
      const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 37 + 11) % 256);
      const base64 = bytesToBase64(bytes);
      expect(base64).toBe(Buffer.from(bytes).toString('base64'));
      expect(base64DecodedLength(base64)).toBe(size);
      expect(Buffer.from(base64ToBytes(base64)).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  it('encodes text as is and typed-array views by their own bytes only', () => {
    expect(encodeDataPayload('héllo')).toEqual({ payload: 'héllo', binary: false });
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
    const view = new Uint8Array(backing.buffer, 2, 3);
    const wire = encodeDataPayload(view);
    expect(wire.binary).toBe(true);
    expect([...(decodeDataPayload(wire) as Uint8Array)]).toEqual([1, 2, 3]);
    expect([...(decodeDataPayload(encodeDataPayload(new DataView(backing.buffer, 0, 2))) as Uint8Array)]).toEqual([9, 9]);
  });

  it('15 KiB passes; one byte more is ERROR_PAYLOAD_TOO_LARGE on both sides; bad types and base64 are 3073', () => {
    expect(codeOf(() => encodeDataPayload(new Uint8Array(DATA_MAX_PAYLOAD_BYTES)))).toBeUndefined();
    expect(codeOf(() => encodeDataPayload(new Uint8Array(DATA_MAX_PAYLOAD_BYTES + 1)))).toBe(ErrorCode.ERROR_PAYLOAD_TOO_LARGE);
    expect(codeOf(() => encodeDataPayload('€'.repeat(5121)))).toBe(ErrorCode.ERROR_PAYLOAD_TOO_LARGE);
    const overSize = Buffer.alloc(DATA_MAX_PAYLOAD_BYTES + 1).toString('base64');
    expect(codeOf(() => checkDataPayload({ payload: overSize, binary: true }))).toBe(ErrorCode.ERROR_PAYLOAD_TOO_LARGE);
    expect(codeOf(() => checkDataPayload({ payload: Buffer.alloc(DATA_MAX_PAYLOAD_BYTES).toString('base64'), binary: true }))).toBeUndefined();
    expect(codeOf(() => checkDataPayload({ payload: 'abc', binary: true }))).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
    expect(codeOf(() => encodeDataPayload(42))).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
    expect(codeOf(() => encodeDataPayload({ length: 3 }))).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
  });

  it('reliability: RELIABLE by default, case-insensitive, anything else 3073', () => {
    expect(checkReliability(undefined)).toBe('RELIABLE');
    expect(checkReliability('unreliable')).toBe('UNRELIABLE');
    expect(codeOf(() => checkReliability('sometimes'))).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
    expect(codeOf(() => checkReliability(1))).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
  });
});

describe('realtime store arguments', () => {
  it('keys: 1..256 characters; values: strings up to 1024 UTF-8 bytes, or null', () => {
    expect(checkStoreKey('k'.repeat(256))).toHaveLength(256);
    expect(codeOf(() => checkStoreKey(''))).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
    expect(codeOf(() => checkStoreKey('k'.repeat(257)))).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
    expect(codeOf(() => checkStoreKey(7))).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
    expect(checkStoreValue(null)).toBeNull();
    expect(checkStoreValue('é'.repeat(512))).toHaveLength(512);
    expect(codeOf(() => checkStoreValue('é'.repeat(513)))).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
    expect(codeOf(() => checkStoreValue(undefined))).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
    expect(codeOf(() => checkStoreValue({}))).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
  });
});
