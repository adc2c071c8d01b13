import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BLKSIZE_MAX,
  BLKSIZE_MIN,
  errorCodeName,
  opcodeName,
  TftpErrorCode,
  TftpOpcode,
  TIMEOUT_MAX_S,
  TIMEOUT_MIN_S,
  WINDOWSIZE_MAX,
  WINDOWSIZE_MIN,
} from '../../src/tftp/constants.ts';

describe('TFTP code tables', () => {
  const opcodes: [number, string][] = [
    [TftpOpcode.RRQ, 'RRQ'],
    [TftpOpcode.WRQ, 'WRQ'],
    [TftpOpcode.DATA, 'DATA'],
    [TftpOpcode.ACK, 'ACK'],
    [TftpOpcode.ERROR, 'ERROR'],
    [TftpOpcode.OACK, 'OACK'],
    [0, 'unknown(0)'],
    [7, 'unknown(7)'],
  ];
  for (const [code, name] of opcodes) {
    test(`opcode ${code} is ${name}`, () => assert.equal(opcodeName(code), name));
  }

  test('opcodes are numbered 1 to 6 as in RFC 1350 §5 and RFC 2347', () => {
    assert.deepEqual(Object.values(TftpOpcode), [1, 2, 3, 4, 5, 6]);
  });

  test('error codes 0 to 8 all have RFC names, others are unknown(N)', () => {
    assert.deepEqual(Object.values(TftpErrorCode), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(errorCodeName(TftpErrorCode.FileNotFound), 'File not found');
    assert.equal(errorCodeName(TftpErrorCode.OptionNegotiation), 'Option negotiation refused');
    for (const code of Object.values(TftpErrorCode)) assert.doesNotMatch(errorCodeName(code), /^unknown/);
    assert.equal(errorCodeName(9), 'unknown(9)');
  });

  test('option bounds are the RFCs ranges', () => {
    assert.deepEqual([BLKSIZE_MIN, BLKSIZE_MAX], [8, 65464]); // RFC 2348
    assert.deepEqual([TIMEOUT_MIN_S, TIMEOUT_MAX_S], [1, 255]); // RFC 2349
    assert.deepEqual([WINDOWSIZE_MIN, WINDOWSIZE_MAX], [1, 65535]); // RFC 7440 §3
  });
});
