// Listener restarts on reload are all or nothing: a failed start puts the old listener back, and
// the steps applied before it are undone in reverse order.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applySteps, replaceStep, type Slot } from '../../../src/app/serve/listener-steps.ts';
import { recordingLogger } from '../../support/logger.ts';

interface Fake {
  readonly name: string;
}

function harness() {
  const events: string[] = [];
  const logger = recordingLogger();
  const starter = (name: string, fail = false) => async (): Promise<Fake> => {
    if (fail) {
      events.push(`fail ${name}`);
      throw new Error(`cannot start ${name}`);
    }
    events.push(`start ${name}`);
    return { name };
  };
  const close = async (f: Fake): Promise<void> => {
    events.push(`close ${f.name}`);
  };
  return { events, logger, starter, close };
}

describe('replaceStep and applySteps', () => {
  test('a step closes the old listener, then starts the new one', async () => {
    const h = harness();
    const slot: Slot<Fake> = { value: { name: 'old' } };
    await applySteps([replaceStep('x', slot, { start: h.starter('new'), restore: h.starter('old'), close: h.close, logger: h.logger })]);
    assert.deepEqual(h.events, ['close old', 'start new']);
    assert.equal(slot.value?.name, 'new');
  });

  test('a start that fails restarts the old listener and the error goes up', async () => {
    const h = harness();
    const slot: Slot<Fake> = { value: { name: 'old' } };
    const step = replaceStep('x', slot, { start: h.starter('new', true), restore: h.starter('old'), close: h.close, logger: h.logger });
    await assert.rejects(applySteps([step]), /cannot start new/);
    assert.deepEqual(h.events, ['close old', 'fail new', 'start old']);
    assert.equal(slot.value?.name, 'old');
  });

  test('a failing step undoes the steps applied before it, in reverse order', async () => {
    const h = harness();
    const a: Slot<Fake> = { value: { name: 'a-old' } };
    const b: Slot<Fake> = { value: undefined };
    const c: Slot<Fake> = { value: { name: 'c-old' } };
    const steps = [
      replaceStep('a', a, { start: h.starter('a-new'), restore: h.starter('a-old'), close: h.close, logger: h.logger }),
      replaceStep('b', b, { start: h.starter('b-new'), restore: undefined, close: h.close, logger: h.logger }),
      replaceStep('c', c, { start: h.starter('c-new', true), restore: h.starter('c-old'), close: h.close, logger: h.logger }),
    ];
    await assert.rejects(applySteps(steps), /cannot start c-new/);
    assert.deepEqual(h.events, ['close a-old', 'start a-new', 'start b-new', 'close c-old', 'fail c-new', 'start c-old', 'close b-new', 'close a-new', 'start a-old']);
    assert.deepEqual([a.value?.name, b.value, c.value?.name], ['a-old', undefined, 'c-old']);
  });

  test('a listener the new config drops is closed; one the old config lacked is started', async () => {
    const h = harness();
    const gone: Slot<Fake> = { value: { name: 'gone' } };
    const added: Slot<Fake> = { value: undefined };
    await applySteps([
      replaceStep('gone', gone, { start: undefined, restore: h.starter('gone'), close: h.close, logger: h.logger }),
      replaceStep('added', added, { start: h.starter('added'), restore: undefined, close: h.close, logger: h.logger }),
    ]);
    assert.deepEqual(h.events, ['close gone', 'start added']);
    assert.equal(gone.value, undefined);
    assert.equal(added.value?.name, 'added');
  });

  test('when the old listener cannot be restarted either, that is logged and the first error goes up', async () => {
    const h = harness();
    const slot: Slot<Fake> = { value: { name: 'old' } };
    const step = replaceStep('dns', slot, { start: h.starter('new', true), restore: h.starter('old', true), close: h.close, logger: h.logger });
    await assert.rejects(applySteps([step]), /cannot start new/);
    assert.equal(slot.value, undefined);
    assert.ok(h.logger.lines.some((l) => l.level === 'error' && /cannot restart dns with the previous configuration/.test(l.msg)));
  });
});
