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

test('symbolicFlags: bits 31 and above are exact (no signed 32-bit bit-operator bugs)', async () => {
  const { symbolicFlags, wideBits } = await import('../../engine/decode/symbolicFlags');
  const table = [[0x1, 'A'], [0x80000000, 'BIT31'], [2 ** 32, 'BIT32'], [2 ** 40, 'BIT40']] as const;
  // Bit 31 is negative under `&` (0x80000000 & 0x80000000 === -2147483648): it must still be named.
  assert.equal(symbolicFlags.format(0x80000001, table), 'A|BIT31');
  assert.equal(symbolicFlags.format(2 ** 40 + 2 ** 32 + 0x80000000, table), 'BIT31|BIT32|BIT40');
  // Unnamed high bits stay in the remainder instead of being cut to 32 bits.
  assert.equal(symbolicFlags.format(2 ** 44 + 0x40000001, table), 'A|0x100040000000');
  // io_uring REQ_F flags of a 6.18 io_uring_queue_async_work line (kernel-formats.md §2.6): 0x10060480000.
  assert.equal(symbolicFlags.format(0x10060480000, []), '0x10060480000');
  assert.equal(symbolicFlags.parse('A|0x100040000000', table), 2 ** 44 + 0x40000001);
  assert.equal(symbolicFlags.parse('BIT31', table), 2147483648);
  assert.equal(symbolicFlags.parse('BIT40|BIT32', table), 2 ** 40 + 2 ** 32);
  assert.equal(symbolicFlags.parse('0x1ffffffffffffffff', table), undefined, 'wider than 2^53: not a number');
  assert.equal(wideBits.clear(0xffffffff + 2 ** 33, 0x80000000), 0x7fffffff + 2 ** 33);
  assert.equal(wideBits.hasAny(2 ** 36, 2 ** 36), true);
  assert.equal(wideBits.hasAny(2 ** 36, 2 ** 4), false);
  // btrfs names of a value with a bit above 32 keep it as hex.
  assert.deepEqual(btrfsOrderedFlags.names(2 ** 33 + 0x21), ['REGULAR', 'IO_DONE', '0x200000000']);
  assert.equal(iomapFlags.isStale(2 ** 32 + 0x8000, '6.18'), true);
});

test('btrfs flag era inference lives in decode/: texts and events that prove an era', async () => {
  const { eraOfEvent, fittingEras, uniqueEra, decodeOrderedFlags } = await import('../../engine/decode/btrfsOrderedEra');
  // kernel-formats.md §2.5: IO_DONE+REGULAR is `IO_DONE|0x200` on 5.4, `IO_DONE|0x100` on 5.10, `REGULAR|IO_DONE` on 5.15+.
  assert.deepEqual(fittingEras('REGULAR|IO_DONE'), ['5.15+']);
  assert.equal(uniqueEra('IO_DONE|0x200'), '5.4');
  assert.equal(uniqueEra('IO_DONE|0x100'), '5.10');
  assert.equal(uniqueEra('0x4'), undefined, 'PREALLOC on 5.15+, NOCOW on 5.4/5.10: ambiguous');
  assert.equal(decodeOrderedFlags('0x4', '5.10').names.join('|'), 'NOCOW');
  assert.equal(eraOfEvent('btrfs_finish_ordered_extent', 0), '5.15+');
  assert.equal(eraOfEvent('btrfs_ordered_extent_mark_finished', 0), '5.15+');
  assert.equal(eraOfEvent('btrfs_writepage_end_io_hook', 1), '5.10');
  assert.equal(eraOfEvent('btrfs_writepage_end_io_hook', 0), undefined);
  assert.equal(eraOfEvent('btrfs_ordered_extent_add', 0), undefined);
});
