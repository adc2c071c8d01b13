import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writer } from '../../src/wire/writer.ts';
import { negotiateOptions, parseDecimal, TftpIgnoredReason } from '../../src/tftp/options.ts';
import type { TftpIgnoredOption, TftpNegotiated, TftpNegotiationLimits } from '../../src/tftp/options.ts';
import { decodeTftp, encodeOack } from '../../src/tftp/packet.ts';
import type { TftpOptionList } from '../../src/tftp/packet.ts';
import { tftpFixture } from './fixtures.ts';

// 1500-byte Ethernet MTU − 20 (IPv4) − 8 (UDP) − 4 (TFTP) = 1468.
const ETHERNET: TftpNegotiationLimits = { maxBlksize: 1468, allowWindowsize: true, maxWindowsize: 64, defaultTimeoutS: 5 };
const JUMBO: TftpNegotiationLimits = { ...ETHERNET, maxBlksize: 65464 };

const DEFAULTS = { accepted: [], blksize: 512, timeoutMs: 5000, windowsize: 1, tsizeRequested: false } as const;

/** The full result: defaults, overridden by `over`, with `ignored` present only when given. */
function want(over: Partial<Omit<TftpNegotiated, 'ignored'>>, ignored?: TftpIgnoredOption[]): TftpNegotiated {
  const r = { ...DEFAULTS, ...over };
  return ignored === undefined ? r : { ...r, ignored };
}

interface Case {
  readonly name: string;
  readonly requested: TftpOptionList;
  readonly limits: TftpNegotiationLimits;
  readonly want: TftpNegotiated;
}

const blk = (value: string): TftpOptionList => [['blksize', value]];
const outOfRange = (name: string, value: string): TftpIgnoredOption => ({ name, value, reason: TftpIgnoredReason.OutOfRange });
const notANumber = (name: string, value: string): TftpIgnoredOption => ({ name, value, reason: TftpIgnoredReason.NotANumber });

const cases: Case[] = [
  { name: 'no options: nothing to acknowledge, RFC 1350 defaults', requested: [], limits: ETHERNET, want: want({}) },

  // blksize (RFC 2348), on a 1500-byte path and on a path that carries the RFC maximum
  { name: 'blksize 512 on Ethernet is echoed', requested: blk('512'), limits: ETHERNET, want: want({ accepted: blk('512'), blksize: 512 }) },
  { name: 'blksize 1428 on Ethernet is taken', requested: blk('1428'), limits: ETHERNET, want: want({ accepted: blk('1428'), blksize: 1428 }) },
  { name: 'blksize 65464 on Ethernet is lowered to 1468', requested: blk('65464'), limits: ETHERNET, want: want({ accepted: blk('1468'), blksize: 1468 }) },
  { name: 'blksize 65465 is outside 8..65464 and left out', requested: blk('65465'), limits: ETHERNET, want: want({}, [outOfRange('blksize', '65465')]) },
  { name: 'blksize 7 is below 8 and left out', requested: blk('7'), limits: ETHERNET, want: want({}, [outOfRange('blksize', '7')]) },
  { name: 'blksize 8, the RFC minimum, is taken', requested: blk('8'), limits: ETHERNET, want: want({ accepted: blk('8'), blksize: 8 }) },
  { name: 'blksize garbage is left out', requested: blk('lots'), limits: ETHERNET, want: want({}, [notANumber('blksize', 'lots')]) },
  { name: 'blksize 512 on a jumbo path is echoed', requested: blk('512'), limits: JUMBO, want: want({ accepted: blk('512'), blksize: 512 }) },
  { name: 'blksize 1428 on a jumbo path is taken', requested: blk('1428'), limits: JUMBO, want: want({ accepted: blk('1428'), blksize: 1428 }) },
  { name: 'blksize 65464 on a jumbo path is taken', requested: blk('65464'), limits: JUMBO, want: want({ accepted: blk('65464'), blksize: 65464 }) },
  { name: 'blksize 65465 on a jumbo path is still left out', requested: blk('65465'), limits: JUMBO, want: want({}, [outOfRange('blksize', '65465')]) },
  { name: 'blksize 7 on a jumbo path is still left out', requested: blk('7'), limits: JUMBO, want: want({}, [outOfRange('blksize', '7')]) },
  { name: 'blksize garbage on a jumbo path is left out', requested: blk('0x200'), limits: JUMBO, want: want({}, [notANumber('blksize', '0x200')]) },
  { name: 'blksize with leading zeros is answered in canonical form', requested: blk('01428'), limits: ETHERNET, want: want({ accepted: blk('1428'), blksize: 1428 }) },
  { name: 'blksize with a sign is garbage', requested: blk('+512'), limits: ETHERNET, want: want({}, [notANumber('blksize', '+512')]) },
  { name: 'an empty blksize is garbage', requested: blk(''), limits: ETHERNET, want: want({}, [notANumber('blksize', '')]) },
  { name: 'a 20-digit blksize is out of range, not garbage', requested: blk('99999999999999999999'), limits: ETHERNET, want: want({}, [outOfRange('blksize', '99999999999999999999')]) },
  { name: 'a path limit below 8 still answers 8', requested: blk('1428'), limits: { ...ETHERNET, maxBlksize: 4 }, want: want({ accepted: blk('8'), blksize: 8 }) },
  { name: 'a path limit above 65464 still answers 65464', requested: blk('65464'), limits: { ...ETHERNET, maxBlksize: 70000 }, want: want({ accepted: blk('65464'), blksize: 65464 }) },

  // timeout (RFC 2349): taken as is or left out
  { name: 'timeout 0 is left out, the default stays', requested: [['timeout', '0']], limits: ETHERNET, want: want({}, [outOfRange('timeout', '0')]) },
  { name: 'timeout 1 is taken', requested: [['timeout', '1']], limits: ETHERNET, want: want({ accepted: [['timeout', '1']], timeoutMs: 1000 }) },
  { name: 'timeout 255 is taken', requested: [['timeout', '255']], limits: ETHERNET, want: want({ accepted: [['timeout', '255']], timeoutMs: 255000 }) },
  { name: 'timeout 256 is left out', requested: [['timeout', '256']], limits: ETHERNET, want: want({}, [outOfRange('timeout', '256')]) },
  { name: 'timeout garbage is left out', requested: [['timeout', '1.5']], limits: ETHERNET, want: want({}, [notANumber('timeout', '1.5')]) },

  // tsize (RFC 2349): the client sends 0, we answer the size
  { name: 'tsize 0 is answered with the file size', requested: [['tsize', '0']], limits: { ...ETHERNET, fileSize: 14 }, want: want({ accepted: [['tsize', '14']], tsizeRequested: true }) },
  { name: 'tsize of an empty file is 0', requested: [['tsize', '0']], limits: { ...ETHERNET, fileSize: 0 }, want: want({ accepted: [['tsize', '0']], tsizeRequested: true }) },
  {
    name: 'tsize over 4 GiB is answered exactly',
    requested: [['tsize', '0']],
    limits: { ...ETHERNET, fileSize: 5_000_000_000 },
    want: want({ accepted: [['tsize', '5000000000']], tsizeRequested: true }),
  },
  {
    name: 'tsize "enable" (atftp 0.8.0) is a request like 0',
    requested: [['tsize', 'enable']],
    limits: { ...ETHERNET, fileSize: 1024 },
    want: want({ accepted: [['tsize', '1024']], tsizeRequested: true }),
  },
  {
    name: 'tsize with an unknown size is left out but still recorded as asked',
    requested: [['tsize', '0']],
    limits: ETHERNET,
    want: want({ tsizeRequested: true }, [{ name: 'tsize', value: '0', reason: TftpIgnoredReason.SizeUnknown }]),
  },

  // windowsize (RFC 7440)
  { name: 'windowsize 8 is taken', requested: [['windowsize', '8']], limits: ETHERNET, want: want({ accepted: [['windowsize', '8']], windowsize: 8 }) },
  { name: 'windowsize 100 is lowered to our maximum', requested: [['windowsize', '100']], limits: ETHERNET, want: want({ accepted: [['windowsize', '64']], windowsize: 64 }) },
  { name: 'windowsize 1 is taken', requested: [['windowsize', '1']], limits: ETHERNET, want: want({ accepted: [['windowsize', '1']], windowsize: 1 }) },
  { name: 'windowsize 65535 is lowered to our maximum', requested: [['windowsize', '65535']], limits: ETHERNET, want: want({ accepted: [['windowsize', '64']], windowsize: 64 }) },
  { name: 'windowsize 0 is left out', requested: [['windowsize', '0']], limits: ETHERNET, want: want({}, [outOfRange('windowsize', '0')]) },
  { name: 'windowsize 65536 is left out', requested: [['windowsize', '65536']], limits: ETHERNET, want: want({}, [outOfRange('windowsize', '65536')]) },
  { name: 'windowsize garbage is left out', requested: [['windowsize', 'many']], limits: ETHERNET, want: want({}, [notANumber('windowsize', 'many')]) },
  {
    name: 'windowsize is left out when disabled, lock-step stays',
    requested: [['windowsize', '8']],
    limits: { ...ETHERNET, allowWindowsize: false },
    want: want({}, [{ name: 'windowsize', value: '8', reason: TftpIgnoredReason.Disabled }]),
  },
  { name: 'a maximum window below 1 still answers 1', requested: [['windowsize', '8']], limits: { ...ETHERNET, maxWindowsize: 0 }, want: want({ accepted: [['windowsize', '1']], windowsize: 1 }) },

  // unknown options (RFC 2347: omitted, never an ERROR)
  {
    name: 'an unknown option is left out',
    requested: [['multicast', '']],
    limits: ETHERNET,
    want: want({}, [{ name: 'multicast', value: '', reason: TftpIgnoredReason.Unknown }]),
  },

  // order
  {
    name: 'the OACK keeps the client order and skips what it does not take',
    requested: [['windowsize', '8'], ['tsize', '0'], ['utimeout', '10000'], ['blksize', '1428'], ['timeout', '3']],
    limits: { ...ETHERNET, fileSize: 300 },
    want: want(
      { accepted: [['windowsize', '8'], ['tsize', '300'], ['blksize', '1428'], ['timeout', '3']], blksize: 1428, timeoutMs: 3000, windowsize: 8, tsizeRequested: true },
      [{ name: 'utimeout', value: '10000', reason: TftpIgnoredReason.Unknown }],
    ),
  },
];

describe('negotiateOptions', () => {
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(negotiateOptions(c.requested, c.limits), c.want));
  }

  test('`ignored` is absent, not empty, when every option was taken', () => {
    assert.equal('ignored' in negotiateOptions(blk('1428'), ETHERNET), false);
  });

  test("atftp 0.8.0's request gets the OACK atftp accepted during capture", () => {
    const r = decodeTftp(tftpFixture('atftp-0.8.0-rrq-blksize-tsize-windowsize.hex'));
    assert.ok(r.ok && r.value.kind === 'rrq');
    const n = negotiateOptions(r.value.options, { ...ETHERNET, fileSize: 14 });
    assert.deepEqual(n.accepted, [['tsize', '14'], ['blksize', '1428'], ['windowsize', '8']]);
    const w = new Writer(new Uint8Array(516).fill(0xa5));
    encodeOack(w, n.accepted);
    assert.deepEqual(Uint8Array.from(w.finish()), tftpFixture('handmade-oack-tsize-blksize-windowsize.hex'));
  });

  test('atftp 0.8.0 asking for 65464 on Ethernet gets 1468, its timeout and the size', () => {
    const r = decodeTftp(tftpFixture('atftp-0.8.0-rrq-tsize-enable-timeout.hex'));
    assert.ok(r.ok && r.value.kind === 'rrq');
    assert.deepEqual(
      negotiateOptions(r.value.options, { ...ETHERNET, fileSize: 42 }),
      want({ accepted: [['tsize', '42'], ['timeout', '1'], ['blksize', '1468']], blksize: 1468, timeoutMs: 1000, tsizeRequested: true }),
    );
  });
});

describe('parseDecimal', () => {
  const table: [string, number | undefined][] = [
    ['0', 0],
    ['000', 0],
    ['1428', 1428],
    ['0065464', 65464],
    ['999999999999999', 999999999999999],
    ['1000000000000000', Number.POSITIVE_INFINITY],
    ['', undefined],
    [' 1', undefined],
    ['1 ', undefined],
    ['-1', undefined],
    ['+1', undefined],
    ['1e3', undefined],
    ['1.0', undefined],
    ['０', undefined], // fullwidth digit zero
  ];
  for (const [text, n] of table) {
    test(`${JSON.stringify(text)} → ${String(n)}`, () => assert.equal(parseDecimal(text), n));
  }
});
