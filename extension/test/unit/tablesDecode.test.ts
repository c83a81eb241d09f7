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
  // Printed classes are trace text: object keys are no class names.
  for (const t of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) assert.equal(ioprio.classNumber(t), -1, t);
  // trace-cmd prints an unresolved IOPRIO_CLASS_* symbol as its number ("0x%llx"); the class is 3 bits.
  assert.equal(ioprio.classNumber('0x0'), 0);
  assert.equal(ioprio.classNumber('0x7'), 7);
  assert.equal(ioprio.classNumber('0x02'), 2);
  assert.equal(ioprio.classNumber('0x8'), -1);
  assert.equal(ioprio.className(5), '0x5');
  assert.equal(ioprio.className(7), 'invalid');
  // include/uapi/linux/ioprio.h (6.10+): class << 13 | hint << 3 | level; RT level 0 with hint 1 = 0x2008.
  assert.deepEqual(ioprio.split(0x2008), { cls: 1, hint: 1, level: 0 });
  assert.deepEqual(ioprio.split(0xe000), { cls: 7, hint: 0, level: 0 });
});

test('errno names: every errno blk_status_to_errno returns has its name', () => {
  // block/blk-core.c blk_errors[]: TRANSPORT -ENOLINK, PROTECTION -EILSEQ, DM_REQUEUE -EREMCHG,
  // ZONE_OPEN_RESOURCE -ETOOMANYREFS, ZONE_ACTIVE_RESOURCE -EOVERFLOW, NEXUS/RESV_CONFLICT -EBADE,
  // MEDIUM -ENODATA, DURATION_LIMIT -ETIME, OFFLINE -ENODEV.
  const expected: ReadonlyArray<readonly [number, string]> = [
    [-67, 'ENOLINK'], [-78, 'EREMCHG'], [-84, 'EILSEQ'], [-109, 'ETOOMANYREFS'], [-75, 'EOVERFLOW'], [-52, 'EBADE'],
    [-61, 'ENODATA'], [-62, 'ETIME'], [-19, 'ENODEV'], [-95, 'EOPNOTSUPP'], [-110, 'ETIMEDOUT'], [-28, 'ENOSPC'],
    [-121, 'EREMOTEIO'], [-12, 'ENOMEM'], [-16, 'EBUSY'], [-11, 'EAGAIN'], [-22, 'EINVAL'], [-5, 'EIO'],
  ];
  for (const [n, name] of expected) {
    assert.equal(errnoNames.name(n), name, String(n));
    assert.equal(errnoNames.number(name), -n, name);
  }
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
