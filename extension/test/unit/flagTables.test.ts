/**
 * Tests of the flag tables: btrfs ordered flags per era (kernel and trace-cmd texts), iomap IOMAP_F per
 * era (STALE moved in 6.18), iomap operation flags, kiocb names.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { btrfsOrderedFlags } from '../../engine/decode/btrfsOrderedFlags';
import { iomapFlags } from '../../engine/decode/iomapFlags';
import { iomapOpFlags } from '../../engine/decode/iomapOpFlags';
import { kiocbFlags } from '../../engine/decode/kiocbFlags';

test('btrfs ordered flags: same state printed per era, trace-cmd text', () => {
  assert.equal(btrfsOrderedFlags.kernelText(0x61), 'REGULAR|IO_DONE|COMPLETE');
  assert.equal(btrfsOrderedFlags.traceCmdText(0x61), 'REGULAR|0x60');
  assert.equal(btrfsOrderedFlags.traceCmdText(0x12), '0x12');
  assert.equal(btrfsOrderedFlags.parse('REGULAR|0x60'), 0x61);
  assert.equal(btrfsOrderedFlags.parse('REGULAR|IO_DONE|COMPLETE|IOERR'), 0xe1);
  assert.deepEqual(btrfsOrderedFlags.names(0xe1), ['REGULAR', 'IO_DONE', 'COMPLETE', 'IOERR']);
  assert.deepEqual(btrfsOrderedFlags.names(0x12), ['NOCOW', 'DIRECT']);
  // IO_DONE + REGULAR in each era
  assert.equal(btrfsOrderedFlags.kernelText(0x201, '5.4'), 'IO_DONE|0x200');
  assert.equal(btrfsOrderedFlags.kernelText(0x101, '5.10'), 'IO_DONE|0x100');
  assert.equal(btrfsOrderedFlags.kernelText(0x21, '5.15+'), 'REGULAR|IO_DONE');
  assert.equal(btrfsOrderedFlags.bit('REGULAR', '5.4'), 0x200);
  assert.equal(btrfsOrderedFlags.bit('IOERR', '5.10'), 0x40);
  assert.equal(btrfsOrderedFlags.kernelText(0x1000), '0x1000');
  assert.equal(btrfsOrderedFlags.parse('BOGUS'), undefined);
});

test('iomap type and IOMAP_F flags: STALE 0x200 (<=6.14) vs 0x8000 (6.18)', () => {
  assert.equal(iomapFlags.typeName(2), 'MAPPED');
  assert.equal(iomapFlags.typeNumber('UNWRITTEN'), 3);
  assert.equal(iomapFlags.parse('NEW|0x200', '<=6.14'), 0x201);
  assert.ok(iomapFlags.isStale(0x201, '<=6.14'));
  assert.ok(!iomapFlags.isStale(0x201, '6.18'));
  assert.ok(iomapFlags.isStale(0x8001, '6.18'));
  assert.deepEqual(iomapFlags.names(0x8003, '6.18'), ['NEW', 'DIRTY', 'STALE']);
  assert.deepEqual(iomapFlags.names(0x103, '<=6.14'), ['NEW', 'DIRTY', 'SIZE_CHANGED']);
  assert.equal(iomapFlags.parse('', '6.18'), 0);
});

test('iomap operation flags and kiocb names', () => {
  assert.deepEqual(iomapOpFlags.names(0x11), ['WRITE', 'DIRECT']);
  assert.equal(iomapOpFlags.parse('NOWAIT|DIRECT'), 0x30);
  assert.deepEqual(kiocbFlags.split('DIRECT|WRITE|ALLOC_CACHE'), ['DIRECT', 'WRITE', 'ALLOC_CACHE']);
  assert.ok(kiocbFlags.has('NOWAIT|DIRECT|ALLOC_CACHE', 'NOWAIT'));
  assert.deepEqual(kiocbFlags.split(''), []);
  assert.ok(kiocbFlags.isKnown('AIO_HAS_METADATA'));
});
