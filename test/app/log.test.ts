import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, parseLogLevel } from '../../src/app/log.ts';

const fixed = () => new Date('2026-01-02T03:04:05.000Z');

function capture(level: Parameters<typeof createLogger>[0]['level'], format: 'json' | 'logfmt') {
  const lines: string[] = [];
  const log = createLogger({ level, format, sink: { write: (l) => lines.push(l) }, now: fixed });
  return { log, lines };
}

describe('logger', () => {
  test('writes one JSON object per line with time, level, msg and fields', () => {
    const { log, lines } = capture('info', 'json');
    log.child({ component: 'smd' }).warn('refresh failed', { code: 'ERR_SMD_STATUS', status: 500, skipped: undefined });
    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.endsWith('\n'));
    assert.deepEqual(JSON.parse(lines[0]!), {
      time: '2026-01-02T03:04:05.000Z',
      level: 'warn',
      msg: 'refresh failed',
      component: 'smd',
      code: 'ERR_SMD_STATUS',
      status: 500,
    });
  });

  test('drops records below the level', () => {
    const { log, lines } = capture('warn', 'json');
    log.debug('a');
    log.info('b');
    log.error('c');
    assert.deepEqual(lines.map((l) => JSON.parse(l).msg), ['c']);
  });

  test('logfmt quotes values with spaces', () => {
    const { log, lines } = capture('debug', 'logfmt');
    log.info('lease granted', { mac: 'aa:bb:cc:dd:ee:ff', reason: 'known node' });
    assert.equal(lines[0], 'time=2026-01-02T03:04:05.000Z level=info msg="lease granted" mac=aa:bb:cc:dd:ee:ff reason="known node"\n');
  });

  test('parses level names as coredhcp spells them', () => {
    assert.equal(parseLogLevel('Warning'), 'warn');
    assert.equal(parseLogLevel('debug'), 'debug');
    assert.equal(parseLogLevel('verbose'), undefined);
  });
});
