// The sidebar's model: the labels listed, their order and counts, All inboxes, the title.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_INBOXES, SYSTEM_LABELS, inboxUnread, sidebarModel } from '../sidebar.js';
import { t } from '../i18n.js';

const labels = [
  { id: 'INBOX', kind: 'system', name: 'INBOX', unread: 12 },
  { id: 'STARRED', kind: 'system', name: 'STARRED', unread: 4 },
  { id: 'SPAM', kind: 'system', name: 'SPAM', unread: 3 },
  { id: 'L2', kind: 'user', name: 'Zebra' },
  { id: 'L1', kind: 'user', name: 'Éclair' },
  { id: 'L3', kind: 'user', name: 'apple' },
];
const ana = { id: 'a', email: 'ana@example.com' };
const bob = { id: 'b', email: 'bob@example.com' };
const model = (over = {}) => sidebarModel({
  labels, signedIn: [ana], inboxCounts: new Map(), labelId: 'INBOX', showingAll: false,
  currentId: 'a', t, lang: 'en', ...over,
});

test("system labels come in Gmail's order with counts only on Inbox, Important and Spam", () => {
  const { system } = model();
  assert.deepEqual(system.map((l) => l.id), SYSTEM_LABELS);
  assert.deepEqual(system.map((l) => l.name), ['Inbox', 'Starred', 'Important', 'Sent', 'Drafts', 'All Mail', 'Spam', 'Trash']);
  assert.equal(system.find((l) => l.id === 'INBOX').unread, 12);
  assert.equal(system.find((l) => l.id === 'STARRED').unread, undefined, 'fetched, not shown');
  assert.equal(system.find((l) => l.id === 'SPAM').unread, 3);
});

test("the person's labels are sorted by name in their language, accents and case aside", () => {
  assert.deepEqual(model().user.map((l) => l.name), ['apple', 'Éclair', 'Zebra']);
});

test('one account has no All inboxes, and the title counts its inbox', () => {
  const m = model();
  assert.equal(m.allInboxes, null);
  assert.equal(m.current, 'INBOX');
  assert.deepEqual(m.title, { name: 'Inbox', unread: 12 });
});

test('two accounts put All inboxes on top with the inboxes added up, each account under it', () => {
  const m = model({ signedIn: [ana, bob], inboxCounts: new Map([['a', 12], ['b', 5]]) });
  assert.equal(m.allInboxes.id, ALL_INBOXES);
  assert.equal(m.allInboxes.unread, 17);
  assert.deepEqual(m.allInboxes.accounts, [
    { id: 'a', email: 'ana@example.com', unread: 12, current: true },
    { id: 'b', email: 'bob@example.com', unread: 5, current: false },
  ]);
  assert.equal(m.allInboxes.labelsOf, 'ana@example.com', 'the labels below are said to be Ana’s');
});

test('All inboxes shown is the current entry and its title counts every inbox', () => {
  const m = model({ signedIn: [ana, bob], inboxCounts: new Map([['a', 12], ['b', 5]]), showingAll: true });
  assert.equal(m.current, ALL_INBOXES);
  assert.deepEqual(m.title, { name: 'All inboxes', unread: 17 });
  assert.ok(m.allInboxes.accounts.every((a) => !a.current), 'no single inbox is current');
});

test("an account's inbox is not current while another label of it is shown", () => {
  const m = model({ signedIn: [ana, bob], labelId: 'STARRED' });
  assert.ok(m.allInboxes.accounts.every((a) => !a.current));
  assert.equal(m.current, 'STARRED');
});

test('the inbox count is unknown until labels say it', () => {
  assert.equal(inboxUnread([]), undefined);
  assert.equal(inboxUnread(labels), 12);
});
