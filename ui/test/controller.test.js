// The window's controller alone, with a fake view and a fake backend whose answers the
// tests give in any order: a late answer never paints over a newer one, and every way a
// list is painted sets the status line and clears a failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createController } from '../controller.js';
import { fakeBackend, fakeStorage, fakeTimers, fakeView, page, settle } from './fakes.js';

const NOW = 1_700_000_000_000;
const EARLIER = NOW - 3_600_000;
const A = { id: 'a', email: 'ana@example.com', state: 'signed_in' };
const B = { id: 'b', email: 'bob@example.com', state: 'signed_in' };
const LABELS = [{ id: 'INBOX', name: 'INBOX', kind: 'system', unread: 2 }];

/** A started controller over fakes: `accounts` signed in, `auto` answering at once. */
async function boot({ accounts = [A], storage = {}, auto = {} } = {}) {
  const view = fakeView();
  const backend = fakeBackend({
    appInfo: () => ({ locale: 'en-GB', clientFile: { path: '', envVar: '', state: 'ready' } }),
    accounts: () => accounts,
    storedLabels: () => [],
    storedPage: () => page([]),
    notices: () => [],
    sync: () => ({ labelsFetched: false }),
    labels: () => LABELS,
    setTexts: () => null,
    inboxUnread: () => [],
    ...auto,
  });
  const timers = fakeTimers();
  const controller = createController({ view, backend, storage: fakeStorage(storage), now: () => NOW, timers });
  controller.start();
  await settle();
  return { view, backend, timers, controller };
}

const inbox = (account) => (id, q) => id === account && q.labelIds[0] === 'INBOX' && !q.pageToken && !q.q;
const search = (text) => (id, q) => q.q === text;

test('a late first page of an account left behind never paints over the account chosen since', async () => {
  const { view, backend } = await boot({ accounts: [A, B] });
  await backend.waitFor('listPage', inbox('a'));
  view.handlers.onSwitchAccount('b');
  await backend.answer('listPage', inbox('b'), page(['b1']));
  await backend.answer('listPage', inbox('a'), page(['a1']));
  assert.deepEqual(view.rowIds(), ['b1']);
});

test('a late first page of a label left behind never paints over the label chosen since', async () => {
  const { view, backend } = await boot();
  await backend.waitFor('listPage', inbox('a'));
  view.handlers.onLabel('STARRED');
  await backend.answer('listPage', (id, q) => q.labelIds[0] === 'STARRED', page(['s1']));
  await backend.answer('listPage', inbox('a'), page(['i1']));
  assert.deepEqual(view.rowIds(), ['s1']);
  assert.equal(view.last('renderLabels')[2], 'STARRED', 'the sidebar still names the label shown');
});

test('a late next page of a list left behind is not added to the list shown since', async () => {
  const { view, backend } = await boot();
  await backend.answer('listPage', inbox('a'), page(['i1'], { nextPageToken: 't2', resultSizeEstimate: 80 }));
  view.handlers.onLoadMore();
  await backend.waitFor('listPage', (id, q) => q.pageToken === 't2');
  view.handlers.onLabel('STARRED');
  await backend.answer('listPage', (id, q) => q.labelIds[0] === 'STARRED', page(['s1']));
  await backend.answer('listPage', (id, q) => q.pageToken === 't2', page(['i2']));
  assert.deepEqual(view.rowIds(), ['s1']);
  assert.equal(view.count('renderMoreRows'), 0);
});

test('a late answer to an earlier search while typing never paints over the later one', async () => {
  const { view, backend, timers } = await boot();
  await backend.answer('listPage', inbox('a'), page(['i1']));
  view.handlers.onSearchInput('ana');
  await timers.flush();
  view.handlers.onSearchInput('bob');
  await timers.flush();
  await backend.answer('searchHere', search('bob'), page(['bob1']));
  await backend.answer('searchHere', search('ana'), page(['ana1']));
  assert.deepEqual(view.rowIds(), ['bob1']);
  assert.deepEqual(view.last('renderSource'), ['here']);
});

test("Gmail's late answer to a search sent before never paints over what is typed since", async () => {
  const { view, backend, timers } = await boot();
  await backend.answer('listPage', inbox('a'), page(['i1']));
  view.handlers.onSearch('ana');
  await backend.waitFor('listPage', search('ana'));
  view.handlers.onSearchInput('bob');
  await timers.flush();
  await backend.answer('searchHere', search('bob'), page(['bob1']));
  await backend.answer('listPage', search('ana'), page(['ana1']));
  assert.deepEqual(view.rowIds(), ['bob1']);
});

test("a late result while typing never paints over Gmail's answer to the search sent since", async () => {
  const { view, backend, timers } = await boot();
  await backend.answer('listPage', inbox('a'), page(['i1']));
  view.handlers.onSearchInput('ana');
  await timers.flush();
  view.handlers.onSearch('ana');
  await backend.answer('listPage', search('ana'), page(['g1'], { onlyGmail: ['g1'] }));
  await backend.answer('searchHere', search('ana'), page(['h1']));
  assert.deepEqual(view.rowIds(), ['g1']);
  assert.deepEqual(view.last('renderSource'), ['gmail']);
  assert.deepEqual([...view.last('renderOnlyGmail')[0]], ['g1']);
});

test('late labels of an account left behind never replace the sidebar of the account chosen since', async () => {
  const bLabels = [{ id: 'Lb', name: 'Bob’s label', kind: 'user' }];
  const { view, backend } = await boot({ accounts: [A, B], auto: { labels: undefined } });
  await backend.waitFor('labels', (id) => id === 'a');
  view.handlers.onSwitchAccount('b');
  // Bob's labels are asked twice: for Ana's sidebar count of his inbox, and for his own.
  await backend.waitFor('labels', (id) => id === 'b');
  await backend.answer('labels', (id) => id === 'b', bLabels);
  await backend.answer('labels', (id) => id === 'b', bLabels);
  await backend.answer('labels', (id) => id === 'a', [{ id: 'La', name: 'Ana’s label', kind: 'user' }]);
  assert.deepEqual(view.last('renderLabels')[1].map((l) => l.name), ['Bob’s label']);
});

test('a page from Gmail after a failure sets the status line and clears the failure', async () => {
  const { view, backend } = await boot();
  await backend.fail('listPage', inbox('a'), { kind: 'server_error', message: 'Gmail said 503' });
  assert.equal(view.last('renderListState')[0].failed, true);
  assert.equal(view.last('renderError')[0], 'Google had a problem answering. Try again in a moment.');
  view.handlers.onRefresh();
  await backend.answer('listPage', inbox('a'), page(['i1']));
  assert.equal(view.last('renderListState')[0].failed, false);
  assert.equal(view.last('renderCount')[2].failed, false);
  assert.deepEqual(view.last('renderStatus'), [NOW, { offline: false }]);
  assert.ok(view.count('hideBanner') > 0);
});

test('results while typing after a failure set the status line and clear the failure', async () => {
  const { view, backend, timers } = await boot();
  await backend.fail('listPage', inbox('a'), { kind: 'server_error', message: '503' });
  const statuses = view.count('renderStatus');
  view.handlers.onSearchInput('ana');
  await timers.flush();
  await backend.answer('searchHere', search('ana'), page(['h1'], { asOfMs: EARLIER }));
  assert.deepEqual(view.rowIds(), ['h1']);
  assert.equal(view.last('renderListState')[0].failed, false);
  assert.ok(view.count('renderStatus') > statuses, 'the status line is set again');
});

test('the stored list painted at launch says when the store last heard from Gmail', async () => {
  const { view, backend } = await boot({ auto: { storedPage: () => page(['s1'], { asOfMs: EARLIER }) } });
  await backend.waitFor('listPage', inbox('a'));
  assert.deepEqual(view.rowIds(), ['s1']);
  assert.deepEqual(view.last('renderStatus'), [EARLIER, { offline: false }]);
  const painted = view.calls.filter((c) => c[0] === 'renderListState' && !c[1].loading).at(-1);
  assert.equal(painted[1].failed, false);
});

test('a background check repaints the list in place, says it is current and keeps the next page', async () => {
  let stored = page([]);
  const { view, backend } = await boot({ auto: { storedPage: () => stored } });
  await backend.answer('listPage', inbox('a'), page(['i1'], { nextPageToken: 't2', resultSizeEstimate: 90 }));
  stored = page(['n1', 'i1'], { nextPageToken: 'stored:2', resultSizeEstimate: 2, asOfMs: NOW });
  await backend.events.synced({ accountId: 'a', changed: true });
  await settle();
  assert.deepEqual(view.last('renderRowsInPlace')[0].map((r) => r.id), ['n1', 'i1']);
  assert.deepEqual(view.last('renderStatus'), [NOW, { offline: false }]);
  assert.equal(view.last('renderListState')[0].hasMore, true, "Gmail's next page is still there");
  assert.equal(view.last('renderCount')[1], 90, "the count stays Gmail's");
});

test('an offline page says so, also when the store never heard from Gmail', async () => {
  const { view, backend } = await boot();
  await backend.answer('listPage', inbox('a'), page(['s1'], { offline: true, asOfMs: null }));
  assert.deepEqual(view.last('renderStatus'), [null, { offline: true }]);
});

test('an older backend that says offline only by asOfMs still shows the offline line', async () => {
  const { view, backend } = await boot();
  const old = page(['s1'], { asOfMs: EARLIER });
  delete old.offline;
  await backend.answer('listPage', inbox('a'), old);
  assert.deepEqual(view.last('renderStatus'), [EARLIER, { offline: true }]);
});

test('results while typing offline keep the offline line', async () => {
  const { view, backend, timers } = await boot();
  await backend.answer('listPage', inbox('a'), page(['s1'], { offline: true, asOfMs: EARLIER }));
  view.handlers.onSearchInput('ana');
  await timers.flush();
  await backend.answer('searchHere', search('ana'), page(['h1'], { asOfMs: EARLIER }));
  assert.deepEqual(view.last('renderStatus'), [EARLIER, { offline: true }]);
});

test('All inboxes is offline when one account is, as of that account, and clears a failure', async () => {
  const { view, backend } = await boot({ accounts: [A, B], storage: { view: 'all' } });
  await backend.answer('mergedPage', (q, source) => source === 'stored', { ...page([]), accounts: [] });
  await backend.fail('mergedPage', (q, source) => source === 'gmail', { kind: 'server_error', message: '503' });
  assert.equal(view.last('renderListState')[0].failed, true);
  view.handlers.onRefresh();
  await backend.answer('mergedPage', (q, source) => source === 'gmail', {
    ...page(['a1', 'b1']),
    accounts: [
      { account: A.email, accountId: 'a', offline: true, asOfMs: EARLIER },
      { account: B.email, accountId: 'b', offline: false },
    ],
  });
  assert.deepEqual(view.rowIds(), ['a1', 'b1']);
  assert.deepEqual(view.last('renderStatus'), [EARLIER, { offline: true }]);
  assert.equal(view.last('renderListState')[0].failed, false);
});

test("the store's notices are worded in the window's language; a plain sentence stays as it is", async () => {
  const notices = [{ kind: 'store_disk_full', values: {} }, 'An older sentence.'];
  const { view, backend } = await boot({ auto: { notices: () => notices } });
  await backend.waitFor('listPage');
  assert.equal(
    view.last('renderStoreNote')[0],
    'Mail could not be stored on this computer (the disk is full): Mailglance works from Gmail until it can. An older sentence.',
  );
});

test('the window gives the backend its words for the tray and notifications, and goes on if it cannot', async () => {
  const { view, backend } = await boot({ auto: { setTexts: () => { throw { kind: 'no_command' }; } } });
  const [, texts] = backend.made.find((c) => c[0] === 'setTexts');
  assert.deepEqual(texts, {
    trayOpen: 'Open',
    trayCheckNow: 'Check now',
    trayQuit: 'Quit',
    newMessages: '{count} new messages for {email}',
    noSubject: '(no subject)',
    notificationOpen: 'Open',
  });
  await backend.answer('listPage', inbox('a'), page(['i1']));
  assert.deepEqual(view.rowIds(), ['i1']);
});

test('an ended sign-in offers "Sign in again" for its address', async () => {
  const { view, backend } = await boot();
  await backend.fail('listPage', inbox('a'), { kind: 'auth_required', email: 'ana@example.com', message: 'ended' });
  const [text, { action }] = view.last('renderError');
  assert.equal(text, 'Your sign-in for ana@example.com has ended. Sign in again to see its mail.');
  assert.equal(action.label, 'Sign in again');
  action.run();
  await settle();
  assert.deepEqual(backend.made.findLast((c) => c[0] === 'startSignIn'), ['startSignIn', 'ana@example.com']);
});

test('a first launch with nothing stored asks for the first page at once, with no sync before it', async () => {
  const { backend } = await boot();
  await backend.waitFor('listPage', inbox('a'));
  assert.equal(backend.made.filter((c) => c[0] === 'sync').length, 0, 'the first page begins the history itself');
});

test('a launch with mail stored brings it up to date before the list', async () => {
  const { backend } = await boot({ auto: { storedPage: () => page(['s1']), sync: () => ({ labelsFetched: false }) } });
  await backend.waitFor('listPage', inbox('a'));
  assert.equal(backend.made.filter((c) => c[0] === 'sync').length, 1);
});
