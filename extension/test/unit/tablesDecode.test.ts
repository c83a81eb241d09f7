/**
 * Tests of the decoding tables: rwbs state machine, ioprio classes, io_uring opcodes, errno names.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { errnoNames } from '../../engine/decode/errnoNames';
import { ioprio } from '../../engine/decode/ioprio';
import { ioUringOpcodes } from '../../engine/decode/ioUringOpcodes';
import { decodeRwbs } from '../../engine/decode/rwbs';

test('rwbs: F as preflush, flush op and FUA; zone ops; invalid strings', () => {
  assert.deepEqual(decodeRwbs('FF'), { op: 'FLUSH', preflush: true, fua: false, readahead: false, sync: false, meta: false, atomic: false });
  const jbd = decodeRwbs('FWFSM')!;
  assert.equal(jbd.op, 'WRITE');
  assert.ok(jbd.preflush && jbd.fua && jbd.sync && jbd.meta);
  assert.equal(decodeRwbs('F')!.op, 'FLUSH');
  assert.equal(decodeRwbs('RA')!.readahead, true);
  assert.equal(decodeRwbs('DE')!.op, 'SECURE_ERASE');
  assert.equal(decodeRwbs('ZRA')!.op, 'ZONE_RESET_ALL');
  assert.equal(decodeRwbs('ZR')!.op, 'ZONE_RESET');
  assert.equal(decodeRwbs('WSU')!.atomic, true);
  assert.equal(decodeRwbs('NS')!.op, 'OTHER');
  for (const bad of ['', 'X', 'RMS', 'Z', 'WW', 'RB']) assert.equal(decodeRwbs(bad), undefined, bad);
});

test('ioprio: kernel names, trace-cmd numbers, raw value', () => {
  assert.equal(ioprio.classNumber('be'), 2);
  assert.equal(ioprio.classNumber('0x2'), 2);
  assert.equal(ioprio.classNumber('bogus'), -1);
  assert.equal(ioprio.className(3), 'idle');
  assert.deepEqual(ioprio.split(16388), { cls: 2, hint: 0, level: 4 });
});

test('io_uring opcodes and errno names', () => {
  assert.equal(ioUringOpcodes.name(22), 'READ');
  assert.equal(ioUringOpcodes.name(99), 'INVALID');
  assert.equal(ioUringOpcodes.number('EPOLL_CTL'), 29);
  assert.equal(ioUringOpcodes.number('EPOLL'), 29);
  assert.equal(ioUringOpcodes.number('PIPE'), 62);
  assert.equal(ioUringOpcodes.number('INVALID'), -1);
  assert.equal(errnoNames.name(-5), 'EIO');
  assert.equal(errnoNames.name(529), 'EIOCBQUEUED');
  assert.equal(errnoNames.name(-11), 'EAGAIN');
  assert.equal(errnoNames.number('ECANCELED'), 125);
  assert.equal(errnoNames.name(0), undefined);
});
