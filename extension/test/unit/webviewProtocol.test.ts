// The panel's messages are untrusted: parseFromWebview keeps only well-formed requests and notifications,
// with every filter field checked for type and size, and parsePanelState only an iolens state.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_PAGE_ROWS, parseEventFilter, parseFromWebview, parsePanelState } from '../../protocol/webviewProtocol';

test('eventsPage and rowIndexOfLine requests: accepted when well formed, refused otherwise', () => {
  const ok = parseFromWebview({ kind: 'request', id: 7, method: 'eventsPage', params: { filter: { text: 'sys_read', events: ['block_rq_issue'], pids: [3039], cpus: [0] }, offset: 200, limit: 200 } });
  assert.deepEqual(ok, { kind: 'request', id: 7, method: 'eventsPage', params: { filter: { text: 'sys_read', events: ['block_rq_issue'], pids: [3039], cpus: [0] }, offset: 200, limit: 200 } });
  assert.ok(parseFromWebview({ kind: 'request', id: 1, method: 'rowIndexOfLine', params: { filter: {}, line: 42 } }));
  const bad: unknown[] = [
    { kind: 'request', id: 0, method: 'eventsPage', params: { filter: {}, offset: 0, limit: 10 } },
    { kind: 'request', id: 1.5, method: 'eventsPage', params: { filter: {}, offset: 0, limit: 10 } },
    { kind: 'request', id: 1, method: 'eventsPage', params: { filter: {}, offset: -1, limit: 10 } },
    { kind: 'request', id: 1, method: 'eventsPage', params: { filter: {}, offset: 0, limit: MAX_PAGE_ROWS + 1 } },
    { kind: 'request', id: 1, method: 'eventsPage', params: { filter: { pids: ['1'] }, offset: 0, limit: 10 } },
    { kind: 'request', id: 1, method: 'eventsPage', params: { filter: { text: 'x'.repeat(5000) }, offset: 0, limit: 10 } },
    { kind: 'request', id: 1, method: 'eventsPage', params: { filter: { events: new Array(1001).fill('e') }, offset: 0, limit: 10 } },
    { kind: 'request', id: 1, method: 'eventsPage', params: { filter: { from: Number.NaN }, offset: 0, limit: 10 } },
    { kind: 'request', id: 1, method: 'rowIndexOfLine', params: { filter: {}, line: 0 } },
    { kind: 'request', id: 1, method: 'readFile', params: { filter: {}, path: '/etc/passwd' } },
    { kind: 'request', id: 1, method: 'eventsPage', params: null },
  ];
  for (const m of bad) assert.equal(parseFromWebview(m), undefined, JSON.stringify(m).slice(0, 120));
});

test('filters: a latency bin is accepted with a known layer and stage and a range only', () => {
  const latency = { layer: 'block', op: 'read', device: '7:0', stage: 'Q2C', loNs: 100_000, hiNs: 177_828 };
  assert.deepEqual(parseEventFilter({ latency }), { latency });
  assert.equal(parseEventFilter({ latency: { ...latency, layer: 'kernel' } }), undefined);
  assert.equal(parseEventFilter({ latency: { ...latency, stage: 'X2Y' } }), undefined);
  assert.equal(parseEventFilter({ latency: { ...latency, hiNs: 50 } }), undefined);
  assert.equal(parseEventFilter({ latency: null }), undefined);
});

test('filters: unknown fields dropped, types enforced', () => {
  assert.deepEqual(parseEventFilter({ text: 'a', textIgnoreCase: true, fromLine: 3, evil: '<img>' }), { text: 'a', textIgnoreCase: true, fromLine: 3 });
  assert.equal(parseEventFilter({ textIgnoreCase: 'yes' }), undefined);
  assert.equal(parseEventFilter([]), undefined);
  assert.equal(parseEventFilter({ toLine: -4 }), undefined);
});

test('notifications: revealLine and showLifecycleAt with known layers only; panel state', () => {
  assert.ok(parseFromWebview({ kind: 'notify', method: 'revealLine', params: { file: '/t.txt', line: 3 } }));
  assert.ok(parseFromWebview({ kind: 'notify', method: 'showLifecycleAt', params: { file: '/t.txt', line: 3, expand: ['block'] } }));
  assert.equal(parseFromWebview({ kind: 'notify', method: 'showLifecycleAt', params: { file: '/t.txt', line: 3, expand: ['__proto__'] } }), undefined);
  assert.equal(parseFromWebview({ kind: 'notify', method: 'revealLine', params: { file: '/t.txt', line: -1 } }), undefined);
  assert.deepEqual(parsePanelState({ kind: 'iolens-panel', file: '/t.txt', title: 't.txt' }), { kind: 'iolens-panel', file: '/t.txt', title: 't.txt' });
  assert.equal(parsePanelState({ kind: 'notify', method: 'showReport' }), undefined);
  assert.equal(parsePanelState({ kind: 'iolens-panel', file: '', title: 't' }), undefined);
});
