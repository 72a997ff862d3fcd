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
const PAGE_SIZE = 50;
const listState = {
  labelId: 'INBOX', q: '', next: null, estimate: 0, loading: false, generation: 0,
  loadedAt: 0, labels: [], labelsStale: false,
  // The rows loaded so far, and the index of the chosen one (-1 for none).
  rows: [], selected: -1,
};

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
  const sentence = t(key, { email: error?.email ?? '' });
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
  await showNotices();
  await refresh();
}

/** Paints the stored labels and the stored first page of the list shown, if any. */
async function paintFromStore(account) {
  try {
    const [labels, page] = await Promise.all([
      backend.storedLabels(account.id),
      backend.storedPage(account.id, query(null)),
    ]);
    if (labels.length) {
      listState.labels = labels;
      renderSidebar();
    }
    if (page.rows.length) {
      showRows(page.rows);
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
  return `${account.id}\n${listState.labelId}\n${listState.q}`;
}

/** Sidebar labels with unread counts: from Gmail, or as a sync just kept them. */
async function loadLabels({ stored = false } = {}) {
  const account = current();
  if (!account) return;
  try {
    listState.labels = stored ? await backend.storedLabels(account.id) : await backend.labels(account.id);
    listState.labelsStale = false;
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
  view.renderLabels(system, user, listState.labelId, listState.labels, { stale: listState.labelsStale });
  view.renderTitle(t('label.INBOX'), byId.get('INBOX')?.unread);
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
    const page = await backend.listPage(account.id, query(null));
    if (generation !== listState.generation) return;
    if (refreshing) showRowsInPlace(page.rows);
    else showRows(page.rows);
    listState.shownKey = key;
    // A page from the store (Google unreachable) says since when it is current.
    listState.asOf = page.asOfMs ?? null;
    view.renderStatus(page.asOfMs ?? Date.now(), { offline: page.asOfMs != null });
    listState.next = page.nextPageToken ?? null;
    listState.estimate = page.resultSizeEstimate ?? 0;
    listState.loadedAt = Date.now();
    listState.failed = false;
    view.hideBanner();
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
    const page = await backend.listPage(account.id, query(listState.next));
    if (generation !== listState.generation) return;
    listState.rows = listState.rows.concat(page.rows);
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

/** Replaces the rows after a refresh: the chosen message stays chosen, the scroll stays. */
function showRowsInPlace(rows) {
  const chosen = listState.rows[listState.selected]?.id;
  const index = rows.findIndex((r) => r.id === chosen);
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
    await backend.openMessage(account.id, row.id);
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
    const changed = done.added + done.deleted + done.changed > 0 || done.full;
    // A sync that changed something fetched the labels again and kept them.
    if (changed) labels = 'stored';
  } catch (e) {
    if (e?.kind !== 'offline') labels = 'gmail';
  }
  if (account.id !== current()?.id) return;
  const loading = labels === 'none' ? Promise.resolve() : loadLabels({ stored: labels === 'stored' });
  await Promise.all([loading, loadFirstPage()]);
  // A disk that filled up meanwhile is said once, above the list.
  await showNotices();
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

function search(q) {
  listState.q = q;
  view.renderSearch(q);
  loadFirstPage();
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

/** Binds what the person does to what the app does; once. */
function bind() {
  view.onLoadMore(loadMore);
  view.onNeedMore(loadMore);
  view.onRefresh(refresh);
  view.onSearch(search);
  view.onSelectRow((index) => select(index, false));
  view.onOpenRow((index) => openCurrent(listState.rows[index]));
  view.onLabel((id) => {
    listState.labelId = id;
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
  view.onSwitchAccount((id) => {
    const chosen = state.accounts.find((a) => a.id === id);
    if (chosen?.state === 'sign_in_again') return signIn(chosen.email);
    state.currentId = id;
    return showHome();
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
  if (state.screen !== 'shell' || !account || accountId !== account.id) return;
  if (changed && !listState.loading && listState.shownKey === listKey(account)) {
    try {
      // As many rows as are loaded, so a list scrolled far keeps its rows.
      const shown = { ...query(null), maxResults: Math.min(500, Math.max(PAGE_SIZE, listState.rows.length)) };
      const page = await backend.storedPage(account.id, shown);
      if (listState.shownKey !== listKey(account) || listState.loading) return;
      showRowsInPlace(page.rows);
      listState.estimate = Math.max(listState.estimate, page.resultSizeEstimate ?? 0);
      finishLoading();
      await loadLabels({ stored: true });
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

function start() {
  view.renderTranslations();
  bind();
  backend.onEvent('synced', onSynced);
  backend.onEvent('open-message', onOpenMessage);
  return load();
}

view.onReady(start);
