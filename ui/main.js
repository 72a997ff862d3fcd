// The controller: holds the app's state, asks the backend, tells the view. It never
// touches the page: the view draws (`view.render*`) and reports (`view.on*`).
import * as backend from './backend.js';
import { lang, t, useLocale } from './i18n.js';
import { View } from './view.js';

const view = new View();
const state = {
  info: null, accounts: [], currentId: localStorage.getItem('account'),
  // The screen shown: 'welcome', 'waiting' or 'shell'.
  screen: null,
};

// The list: what is shown, and where the next page starts.
const SYSTEM_LABELS = ['INBOX', 'STARRED', 'IMPORTANT', 'SENT', 'DRAFT', '', 'SPAM', 'TRASH'];
// The sidebar entry of All inboxes (not a Gmail label id: those never start with '@').
const ALL_INBOXES = '@all';
const PAGE_SIZE = 50;
const listState = {
  labelId: 'INBOX', q: '', next: null, estimate: 0, loading: false, generation: 0,
  loadedAt: 0, labels: [], labelsStale: false,
  // The rows loaded so far, and the index of the chosen one (-1 for none).
  rows: [], selected: -1,
  // All inboxes (every account's inbox merged by date) instead of one account's label.
  all: localStorage.getItem('view') === 'all',
  // Where the rows shown come from: 'gmail' (Gmail's answer) or 'here' (search on this
  // computer, while typing); and the rows of Gmail's answer only Gmail found.
  source: 'gmail', onlyGmail: new Set(),
  // Each signed-in account's inbox unread count, for All inboxes.
  inboxUnread: new Map(),
};
// Results while typing wait this long after the last key.
const TYPING_PAUSE_MS = 250;
let typingTimer = null;

function showWelcome(info) {
  state.screen = 'welcome';
  view.renderWelcome(info);
}

function showWaiting(waiting) {
  state.screen = 'waiting';
  view.renderWaiting(waiting);
}

function showShell(account) {
  state.screen = 'shell';
  view.renderShell(state.accounts, account);
  // Each account's colour mark, by its place among the accounts (stable while they stay).
  view.renderAccountColours(new Map(state.accounts.map((a, i) => [a.id, i])));
}

/** The accounts signed in now. */
function signedIn() {
  return state.accounts.filter((a) => a.state === 'signed_in');
}

/** Whether All inboxes is shown: chosen, and two or more accounts signed in. */
function showingAll() {
  return listState.all && signedIn().length >= 2;
}

/** The account shown, else the first usable one. */
function current() {
  return state.accounts.find((a) => a.id === state.currentId && a.state === 'signed_in')
    ?? state.accounts.find((a) => a.state === 'signed_in');
}

/** Shows what an error means for a person, with the one action that helps. */
function showError(error, retry) {
  const kind = error?.kind ?? 'unknown';
  const message = error?.message ?? String(error);
  const actions = {
    auth_required: { label: t('action.signInAgain'), run: () => signIn(error.email) },
    client_file_missing: { label: t('action.chooseFile'), run: importClient },
    client_file_invalid: { label: t('action.chooseFile'), run: importClient },
    sign_in_denied: { label: t('action.tryAgain'), run: () => signIn() },
    scope_not_granted: { label: t('action.signInAgain'), run: () => signIn() },
    sign_in_timed_out: { label: t('action.tryAgain'), run: () => signIn() },
    sign_in_failed: { label: t('action.tryAgain'), run: () => signIn(error.email) },
  };
  const action = actions[kind] ?? (retry ? { label: t('action.retry'), run: retry } : undefined);
  // A sentence in the person's language; the app's own message, which names the file or
  // the cause, under Details.
  const key = `error.${kind}`;
  const seconds = error?.seconds ?? 0;
  const sentence = t(key, { email: error?.email ?? '', seconds, minutes: Math.ceil(seconds / 60) });
  const known = sentence !== key;
  view.renderError(known ? sentence : capitalise(message), { detail: known ? capitalise(message) : kind, action });
}

function capitalise(text) {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

async function refreshAccounts() {
  state.accounts = await backend.accounts();
}

/** The signed-in shell for the current account, or the welcome screen. */
async function showHome() {
  const account = current();
  if (!account) {
    showWelcome(await backend.appInfo());
    const again = state.accounts.find((a) => a.state === 'sign_in_again');
    if (again) {
      showError({ kind: 'auth_required', email: again.email, message: '' });
    }
    return;
  }
  state.currentId = account.id;
  localStorage.setItem('account', account.id);
  showShell(account);
  // The last list from this computer first, before any network call; then Gmail.
  await paintFromStore(account);
  await loadInboxCounts();
  await showNotices();
  await refresh();
}

/** Paints the stored labels and the stored first page of the list shown, if any. */
async function paintFromStore(account) {
  try {
    const [labels, page] = await Promise.all([
      backend.storedLabels(account.id),
      fetchPage(null, 'stored'),
    ]);
    if (labels.length) {
      listState.labels = labels;
      renderSidebar();
    }
    if (page.rows.length) {
      showRows(page.rows);
      listState.source = 'gmail';
      listState.onlyGmail = new Set();
      listState.shownKey = listKey(account);
      listState.next = page.nextPageToken ?? null;
      listState.estimate = page.resultSizeEstimate ?? 0;
      listState.asOf = page.asOfMs ?? null;
      finishLoading();
      view.renderStatus(listState.asOf);
    }
  } catch (e) {
    // Nothing stored, or the store cannot be read: Gmail will answer.
  }
}

/** Tells the person what happened to the stored mail (set aside, not writable). */
async function showNotices() {
  const notices = await backend.notices().catch(() => []);
  if (notices.length) view.renderStoreNote(notices.join(' '));
}

function listKey(account) {
  const scope = showingAll() ? 'all' : `${account.id}\n${listState.labelId}`;
  return `${scope}\n${listState.q}`;
}

/**
 * One page of what is shown, from `source`: 'gmail' (Gmail's list, the store when Gmail
 * cannot be reached), 'stored' (the store alone) or 'here' (search on this computer).
 * All inboxes merges every account's; the page then says which accounts are offline
 * (`asOfMs`, the oldest) and which are left out (`problems`).
 */
async function fetchPage(pageToken, source) {
  if (showingAll()) {
    const page = await backend.mergedPage(query(pageToken), source);
    const offline = page.accounts.filter((a) => a.asOfMs != null).map((a) => a.asOfMs);
    return {
      ...page,
      asOfMs: offline.length ? Math.min(...offline) : null,
      problems: page.accounts.filter((a) => a.problem).map((a) => a.problem),
    };
  }
  const account = current();
  const call = { gmail: backend.listPage, stored: backend.storedPage, here: backend.searchHere }[source];
  return call(account.id, query(pageToken));
}

/** Keeps an account's inbox unread count from its labels, for All inboxes. */
function keepInboxCount(accountId, labels) {
  const inbox = labels.find((l) => l.id === 'INBOX');
  if (inbox?.unread != null) listState.inboxUnread.set(accountId, inbox.unread);
}

/** The inbox unread counts of `accounts` (every signed-in one by default), as stored (no
 * network), for All inboxes. */
async function loadInboxCounts(accounts = signedIn()) {
  if (signedIn().length < 2) return;
  await Promise.all(accounts.map(async (a) => {
    try {
      keepInboxCount(a.id, await backend.storedLabels(a.id));
    } catch {
      // Not stored yet: the next sync or refresh brings it.
    }
  }));
  renderSidebar();
}

/** All inboxes' unread count: every signed-in account's inbox, added up. */
function allUnread() {
  return signedIn().reduce((sum, a) => sum + (listState.inboxUnread.get(a.id) ?? 0), 0);
}

/** Sidebar labels with unread counts: from Gmail, or as a sync just kept them. */
async function loadLabels({ stored = false } = {}) {
  const account = current();
  if (!account) return;
  try {
    listState.labels = stored ? await backend.storedLabels(account.id) : await backend.labels(account.id);
    listState.labelsStale = false;
    keepInboxCount(account.id, listState.labels);
  } catch (e) {
    // An error never removes what is shown: the last labels and counts stay, marked
    // as not current, until a refresh succeeds.
    listState.labelsStale = listState.labels.length > 0;
    renderSidebar();
    await handleListError(e, loadLabels);
    return;
  }
  renderSidebar();
}

function renderSidebar() {
  const byId = new Map(listState.labels.map((l) => [l.id, l]));
  const system = SYSTEM_LABELS.map((id) => ({
    id,
    name: t(`label.${id || 'ALL'}`),
    unread: ['INBOX', 'IMPORTANT', 'SPAM'].includes(id) ? byId.get(id)?.unread : undefined,
  }));
  const user = listState.labels
    .filter((l) => l.kind === 'user')
    .sort((a, b) => a.name.localeCompare(b.name, lang));
  const showing = showingAll();
  const allInboxes = signedIn().length >= 2 ? {
    id: ALL_INBOXES,
    name: t('label.allInboxes'),
    unread: allUnread(),
    accounts: signedIn().map((a) => ({
      id: a.id,
      email: a.email,
      unread: listState.inboxUnread.get(a.id),
      current: !showing && a.id === current()?.id && listState.labelId === 'INBOX',
    })),
    labelsOf: current()?.email ?? '',
  } : null;
  const currentLabel = showing ? ALL_INBOXES : listState.labelId;
  view.renderLabels(system, user, currentLabel, listState.labels, { stale: listState.labelsStale, allInboxes });
  if (showing) view.renderTitle(t('label.allInboxes'), allUnread());
  else view.renderTitle(t('label.INBOX'), byId.get('INBOX')?.unread);
}

/** The first page for the current label and query; replaces what is shown. */
async function loadFirstPage() {
  const account = current();
  if (!account) return;
  const generation = ++listState.generation;
  const key = listKey(account);
  const refreshing = listState.shownKey === key && listState.rows.length > 0;
  const next = listState.next;
  listState.next = null;
  listState.loading = true;
  view.renderListState({ loading: true, hasMore: false });
  try {
    const page = await fetchPage(null, 'gmail');
    if (generation !== listState.generation) return;
    // Gmail's answer to a search, or (offline) the store's: which one the list shows,
    // and the rows only Gmail found.
    listState.source = listState.q && page.asOfMs != null ? 'here' : 'gmail';
    listState.onlyGmail = new Set(page.onlyGmail ?? []);
    view.renderOnlyGmail(listState.onlyGmail);
    if (refreshing) showRowsInPlace(page.rows);
    else showRows(page.rows);
    listState.shownKey = key;
    // A page from the store (Google unreachable) says since when it is current.
    listState.asOf = page.asOfMs ?? null;
    view.renderStatus(page.asOfMs ?? Date.now(), { offline: page.asOfMs != null });
    view.renderSource(listState.q ? listState.source : null);
    listState.next = page.nextPageToken ?? null;
    listState.estimate = page.resultSizeEstimate ?? 0;
    listState.loadedAt = Date.now();
    listState.failed = false;
    view.hideBanner();
    // An account left out of All inboxes says why, with its one action.
    if (page.problems?.length) showError(page.problems[0], loadFirstPage);
  } catch (e) {
    if (generation !== listState.generation) return;
    if (refreshing) {
      // A refresh that failed keeps what is shown: nothing is lost.
      listState.next = next;
    } else {
      showRows([]);
      listState.shownKey = null;
      listState.estimate = 0;
      listState.failed = true;
    }
    await handleListError(e, loadFirstPage);
  } finally {
    if (generation === listState.generation) finishLoading();
  }
}

/** The next page, after the rows already shown (infinite scroll and "Load more"). */
async function loadMore() {
  const account = current();
  if (!account || listState.loading || !listState.next) return;
  const generation = listState.generation;
  listState.loading = true;
  view.renderListState({ loading: true, hasMore: true });
  try {
    const page = await fetchPage(listState.next, listState.source === 'here' ? 'here' : 'gmail');
    if (generation !== listState.generation) return;
    for (const id of page.onlyGmail ?? []) listState.onlyGmail.add(id);
    // A row shown already (All inboxes resumes each account by place, and mail that
    // arrived since moved the places) is not shown twice.
    const shown = new Set(listState.rows.map(rowKey));
    listState.rows = listState.rows.concat(page.rows.filter((r) => !shown.has(rowKey(r))));
    if (listState.selected < 0 && listState.rows.length) listState.selected = 0;
    view.renderMoreRows(listState.rows, listState.selected);
    listState.next = page.nextPageToken ?? null;
  } catch (e) {
    if (generation !== listState.generation) return;
    await handleListError(e, loadMore);
  } finally {
    if (generation === listState.generation) finishLoading();
  }
}

/** Replaces every row (a new query, label or account), the first one chosen. */
function showRows(rows) {
  listState.rows = rows;
  listState.selected = rows.length ? 0 : -1;
  view.renderRows(rows, listState.selected);
}

/** A row's identity: its message id, and its account's in All inboxes. */
function rowKey(row) {
  return row ? `${row.accountId ?? ''}/${row.id}` : null;
}

/** Replaces the rows after a refresh: the chosen message stays chosen, the scroll stays. */
function showRowsInPlace(rows) {
  const chosen = rowKey(listState.rows[listState.selected]);
  const index = rows.findIndex((r) => rowKey(r) === chosen);
  listState.rows = rows;
  listState.selected = index >= 0 ? index : Math.min(listState.selected, rows.length - 1);
  view.renderRowsInPlace(rows, listState.selected);
}

/** Chooses the row at `index`; `scroll` keeps it on screen. */
function select(index, scroll) {
  listState.selected = index;
  view.renderSelection(index, { scroll });
}

/** Moves the choice by `delta` rows (j and k). */
function move(delta) {
  if (!listState.rows.length) return;
  select(Math.max(0, Math.min(listState.rows.length - 1, listState.selected + delta)), true);
}

function finishLoading() {
  listState.loading = false;
  // After a failure the banner speaks: no "0 messages", no "No messages here".
  view.renderListState({ loading: false, hasMore: Boolean(listState.next), failed: listState.failed });
  // With no next page every row is loaded: the count is exact, not Gmail's estimate.
  view.renderCount(listState.rows.length, listState.estimate, {
    failed: listState.failed, complete: !listState.next && !listState.failed,
  });
}

function query(pageToken) {
  return {
    q: listState.q || null,
    labelIds: listState.labelId ? [listState.labelId] : [],
    pageToken,
    maxResults: PAGE_SIZE,
  };
}

async function handleListError(e, retry) {
  if (e?.kind === 'invalid_page_token') {
    // The cursor expired: start the list again from the top.
    await loadFirstPage();
    return;
  }
  if (e?.kind === 'auth_required') {
    await refreshAccounts();
    showShell(current() ?? state.accounts[0]);
  }
  showError(e, retry);
}

async function openCurrent(row = listState.rows[listState.selected]) {
  const account = current();
  if (!account || !row) return;
  try {
    // A row of All inboxes opens in Gmail signed in as its own account.
    await backend.openMessage(row.accountId ?? account.id, row.id);
  } catch (e) {
    showError(e);
  }
}

/** Brings the stored mail up to date (`history.list`, 2 units when nothing changed),
 * then the list and, if they moved, the labels. Offline, what is shown stays. (The
 * checks between refreshes are the app's own: see `onSynced`.) */
async function refresh() {
  const account = current();
  if (!account) return;
  // Labels are fetched when none are shown, or those shown are not current.
  let labels = listState.labels.length === 0 || listState.labelsStale ? 'gmail' : 'none';
  try {
    const done = await backend.sync(account.id);
    // A sync that saw any change fetched the labels again and kept them.
    if (done.labelsFetched) labels = 'stored';
  } catch (e) {
    if (e?.kind !== 'offline') labels = 'gmail';
  }
  if (account.id !== current()?.id) return;
  // With several accounts, the others brought up to date too: All inboxes shows their
  // rows, and the sidebar their inboxes' unread counts.
  const others = signedIn().length >= 2 ? syncOthers(account) : Promise.resolve();
  const loading = labels === 'none' ? Promise.resolve() : loadLabels({ stored: labels === 'stored' });
  await Promise.all([loading, others, loadFirstPage()]);
  // A disk that filled up meanwhile is said once, above the list.
  await showNotices();
}

/** Syncs every signed-in account but `account`, and keeps each one's inbox count. */
async function syncOthers(account) {
  await Promise.all(signedIn().filter((a) => a.id !== account.id).map(async (a) => {
    let fetch = !listState.inboxUnread.has(a.id);
    try {
      const done = await backend.sync(a.id);
      // Its counts moved: fetched again by the sync, and kept.
      if (done.labelsFetched) fetch = false;
    } catch (e) {
      if (e?.kind === 'offline') fetch = false;
    }
    try {
      keepInboxCount(a.id, fetch ? await backend.labels(a.id) : await backend.storedLabels(a.id));
    } catch {
      // Its count stays as it was.
    }
  }));
  renderSidebar();
}

async function signIn(loginHint) {
  view.hideBanner();
  const back = state.screen;
  try {
    showWaiting(await backend.startSignIn(loginHint));
    const account = await backend.finishSignIn();
    state.currentId = account.id;
    await refreshAccounts();
    await showHome();
  } catch (e) {
    if (back === 'shell' && current()) await showHome();
    else showWelcome(await backend.appInfo());
    if (e?.kind !== 'sign_in_cancelled') showError(e, () => signIn(loginHint));
  }
}

async function importClient() {
  try {
    const status = await backend.importClientFile();
    if (status) showWelcome({ clientFile: status });
  } catch (e) {
    showError(e);
  }
}

async function signOut() {
  const account = current();
  if (!account) return;
  try {
    const out = await backend.signOut(account.id);
    await refreshAccounts();
    await showHome();
    if (out.revoked) view.announce(t('shell.signedOut', { email: out.email }));
    else view.renderError(t('shell.notRevoked', { email: out.email, problem: out.problem ?? '' }));
  } catch (e) {
    showError(e, signOut);
  }
}

async function openNotificationSettings() {
  try {
    const [settings, tray] = await Promise.all([backend.notificationSettings(), backend.traySettings()]);
    view.renderNotificationSettings(settings, tray);
  } catch (e) {
    showError(e);
  }
}

async function toggleNotifications(accountId, on) {
  try {
    await backend.setNotifications(accountId, on);
  } catch (e) {
    showError(e);
    await openNotificationSettings();
  }
}

async function keepInTray(on) {
  try {
    await backend.setKeepInTray(on);
  } catch (e) {
    showError(e);
    await openNotificationSettings();
  }
}

async function forgetMail() {
  try {
    await backend.forgetStoredMail();
    view.announce(t('shell.mailForgotten'));
  } catch (e) {
    showError(e);
  }
}

async function copyLink() {
  await view.copyLink();
  view.announce(t('waiting.copied'));
}

/** A search sent (Enter): Gmail's answer, marking the rows only Gmail found. */
function search(q) {
  clearTimeout(typingTimer);
  listState.q = q;
  view.renderSearch(q);
  view.renderSearchProblem('');
  loadFirstPage();
}

/** Typing in the search box: after a pause, what this computer finds, with no network. */
function typed(text) {
  clearTimeout(typingTimer);
  const q = text.trim();
  typingTimer = setTimeout(() => {
    if (q === listState.q && listState.source === 'here') return;
    if (!q) {
      if (listState.q) search('');
      return;
    }
    searchHereNow(q);
  }, TYPING_PAUSE_MS);
}

async function searchHereNow(q) {
  if (!current()) return;
  const generation = ++listState.generation;
  try {
    listState.q = q;
    const page = await fetchPage(null, 'here');
    if (generation !== listState.generation) return;
    view.renderSearchProblem('');
    listState.source = 'here';
    listState.onlyGmail = new Set();
    view.renderOnlyGmail(listState.onlyGmail);
    view.renderSearch(q);
    showRows(page.rows);
    listState.shownKey = listKey(current());
    listState.next = page.nextPageToken ?? null;
    listState.estimate = page.resultSizeEstimate ?? 0;
    listState.failed = false;
    view.renderSource('here');
    finishLoading();
  } catch (e) {
    if (generation !== listState.generation) return;
    // Half-typed (`is:`): say what cannot be searched for, keep what is shown.
    if (e?.kind === 'search_invalid') view.renderSearchProblem(capitalise(e.message));
    else showError(e);
  }
}

/** The list's keys, as the view names them. */
const keys = {
  next: () => move(1),
  prev: () => move(-1),
  open: () => openCurrent(),
  focusSearch: () => view.focusSearch(),
  refresh: () => refresh(),
  clear: () => search(''),
};

/** One account chosen (the menu, or its inbox under All inboxes): its own list. */
function chooseAccount(id) {
  const chosen = state.accounts.find((a) => a.id === id);
  if (chosen?.state === 'sign_in_again') return signIn(chosen.email);
  state.currentId = id;
  listState.all = false;
  localStorage.setItem('view', 'account');
  return showHome();
}

/** Binds what the person does to what the app does; once. */
function bind() {
  view.onLoadMore(loadMore);
  view.onNeedMore(loadMore);
  view.onRefresh(refresh);
  view.onSearch(search);
  view.onSearchInput(typed);
  view.onSelectRow((index) => select(index, false));
  view.onOpenRow((index) => openCurrent(listState.rows[index]));
  view.onLabel((id) => {
    listState.all = id === ALL_INBOXES;
    localStorage.setItem('view', listState.all ? 'all' : 'account');
    listState.labelId = listState.all ? 'INBOX' : id;
    renderSidebar();
    loadFirstPage();
  });
  view.onKey((action) => keys[action]?.());
  // Back to the window after a minute away: refresh (known rows are not fetched again).
  view.onWindowFocus(() => {
    if (state.screen === 'shell' && Date.now() - listState.loadedAt > 60_000) refresh();
  });
  view.onSignIn(() => signIn());
  view.onImport(importClient);
  view.onCancel(() => backend.cancelSignIn());
  view.onCopyLink(copyLink);
  view.onAddAccount(() => signIn());
  view.onSignOut(signOut);
  view.onForgetMail(forgetMail);
  view.onNotificationSettings(openNotificationSettings);
  view.onNotificationToggle(toggleNotifications);
  view.onKeepInTray(keepInTray);
  view.onSwitchAccount(chooseAccount);
  view.onAccountInbox((id) => {
    listState.labelId = 'INBOX';
    return chooseAccount(id);
  });
}

/** Asks the backend what to show first; again from "Retry" if that failed. */
async function load() {
  try {
    state.info = await backend.appInfo();
    useLocale(state.info.locale);
    view.renderTranslations();
    await refreshAccounts();
    await showHome();
  } catch (e) {
    showWelcome(state.info ?? { clientFile: { path: '', envVar: '', state: 'missing' } });
    showError({ kind: e?.kind, message: t('error.startup', { message: e?.message ?? String(e) }) }, load);
  }
}

/**
 * After the app's own check of an account (every minute in front, every five hidden):
 * what changed is painted from this computer, in place, with no network call.
 */
async function onSynced({ accountId, changed }) {
  const account = current();
  if (state.screen !== 'shell' || !account) return;
  const all = showingAll();
  // The labels the sync kept: the sidebar's, or another account's inbox count (under
  // All inboxes).
  if (changed) {
    if (accountId === account.id) await loadLabels({ stored: true });
    else await loadInboxCounts(signedIn().filter((a) => a.id === accountId));
  }
  if (accountId !== account.id && !all) return;
  // A search shown stays as answered (Gmail's answer holds rows this computer cannot
  // find); a list is repainted.
  if (changed && !listState.loading && !listState.q && listState.shownKey === listKey(account)) {
    try {
      // As many rows as are loaded, so a list scrolled far keeps its rows.
      const shown = { ...query(null), maxResults: Math.min(500, Math.max(PAGE_SIZE, listState.rows.length)) };
      const page = all
        ? await backend.mergedPage(shown, 'stored')
        : await backend.storedPage(account.id, shown);
      if (listState.shownKey !== listKey(account) || listState.loading) return;
      showRowsInPlace(page.rows);
      listState.estimate = Math.max(listState.estimate, page.resultSizeEstimate ?? 0);
      finishLoading();
    } catch (e) {
      // The next check, or a refresh, tries again.
    }
  }
  view.renderStatus(Date.now());
  await showNotices();
}

/** A notification was clicked: that account's inbox, that message chosen. */
async function onOpenMessage({ accountId, id }) {
  if (state.screen !== 'shell') return;
  if (showingAll() && !listState.q) {
    // All inboxes holds every inbox: the new message is at its top once reloaded.
    const find = () => listState.rows.findIndex((r) => r.id === id && r.accountId === accountId);
    let index = find();
    if (index < 0) {
      await loadFirstPage();
      index = find();
    }
    if (index >= 0) select(index, true);
    return;
  }
  if (current()?.id !== accountId) {
    state.currentId = accountId;
    await showHome();
  }
  let index = listState.rows.findIndex((r) => r.id === id);
  if (index < 0 && (listState.labelId !== 'INBOX' || listState.q)) {
    // New inbox mail: the inbox, from the top.
    listState.labelId = 'INBOX';
    listState.q = '';
    view.renderSearch('');
    renderSidebar();
    await loadFirstPage();
    index = listState.rows.findIndex((r) => r.id === id);
  }
  if (index >= 0) select(index, true);
}

/** Accounts whose Gmail calls wait for quota: [{accountId, untilMs}]; the line counts down. */
let quotaWaits = [];
let quotaTimer = null;

function onQuotaWait(waits) {
  quotaWaits = Array.isArray(waits) ? waits : [];
  renderQuotaWait();
  if (quotaWaits.length && !quotaTimer) quotaTimer = setInterval(renderQuotaWait, 1000);
}

/** "Waiting for Gmail's quota (23 s)" while any account waits, the longest wait shown. */
function renderQuotaWait() {
  const until = Math.max(0, ...quotaWaits.map((w) => w.untilMs));
  const seconds = Math.ceil((until - Date.now()) / 1000);
  if (!quotaWaits.length || seconds <= 0) {
    clearInterval(quotaTimer);
    quotaTimer = null;
    view.renderQuotaWait(0);
    return;
  }
  view.renderQuotaWait(seconds);
}

function start() {
  view.renderTranslations();
  bind();
  backend.onEvent('synced', onSynced);
  backend.onEvent('open-message', onOpenMessage);
  backend.onEvent('quota-wait', onQuotaWait);
  return load();
}

view.onReady(start);
