// The controller: holds the app's state, asks the backend, tells the view.
import * as backend from './backend.js';
import { lang, t, translatePage, useLocale } from './i18n.js';
import { View } from './view.js';
import { MessageList } from './list.js';

const view = new View();
const list = new MessageList(document.getElementById('mailbox'));
const state = { info: null, accounts: [], currentId: localStorage.getItem('account') };

// The list: what is shown, and where the next page starts.
const SYSTEM_LABELS = ['INBOX', 'STARRED', 'IMPORTANT', 'SENT', 'DRAFT', '', 'SPAM', 'TRASH'];
const PAGE_SIZE = 50;
const listState = {
  labelId: 'INBOX', q: '', next: null, estimate: 0, loading: false, generation: 0,
  loadedAt: 0, labels: [],
};

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
    view.renderWelcome(await backend.appInfo());
    const again = state.accounts.find((a) => a.state === 'sign_in_again');
    if (again) {
      showError({ kind: 'auth_required', email: again.email, message: '' });
    }
    return;
  }
  state.currentId = account.id;
  localStorage.setItem('account', account.id);
  view.renderShell(state.accounts, account);
  await Promise.all([loadLabels(), loadFirstPage()]);
}

/** Sidebar labels with unread counts. */
async function loadLabels() {
  const account = current();
  if (!account) return;
  try {
    listState.labels = await backend.labels(account.id);
  } catch (e) {
    listState.labels = [];
    await handleListError(e, loadLabels);
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
  view.renderLabels(system, user, listState.labelId);
  list.setLabelNames(listState.labels);
}

/** The first page for the current label and query; replaces what is shown. */
async function loadFirstPage() {
  const account = current();
  if (!account) return;
  const generation = ++listState.generation;
  const key = `${account.id}\n${listState.labelId}\n${listState.q}`;
  const refreshing = listState.shownKey === key && list.rows.length > 0;
  const next = listState.next;
  listState.next = null;
  listState.loading = true;
  list.setState({ loading: true, hasMore: false });
  try {
    const page = await backend.listPage(account.id, query(null));
    if (generation !== listState.generation) return;
    list.reset(page.rows);
    listState.shownKey = key;
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
      list.reset([]);
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
  list.setState({ loading: true, hasMore: true });
  try {
    const page = await backend.listPage(account.id, query(listState.next));
    if (generation !== listState.generation) return;
    list.append(page.rows);
    listState.next = page.nextPageToken ?? null;
  } catch (e) {
    if (generation !== listState.generation) return;
    await handleListError(e, loadMore);
  } finally {
    if (generation === listState.generation) finishLoading();
  }
}

function finishLoading() {
  listState.loading = false;
  // After a failure the banner speaks: no "0 messages", no "No messages here".
  list.setState({ loading: false, hasMore: Boolean(listState.next), failed: listState.failed });
  view.renderCount(list.rows.length, listState.estimate, listState.failed);
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
    view.renderShell(state.accounts, current() ?? state.accounts[0]);
  }
  showError(e, retry);
}

async function openCurrent(row = list.current()) {
  const account = current();
  if (!account || !row) return;
  try {
    await backend.openMessage(account.id, row.id);
  } catch (e) {
    showError(e);
  }
}

function refresh() {
  loadLabels();
  return loadFirstPage();
}

async function signIn(loginHint) {
  view.hideBanner();
  const back = document.body.dataset.screen;
  try {
    view.renderWaiting(await backend.startSignIn(loginHint));
    const account = await backend.finishSignIn();
    state.currentId = account.id;
    await refreshAccounts();
    await showHome();
  } catch (e) {
    if (back === 'shell' && current()) await showHome();
    else view.renderWelcome(await backend.appInfo());
    if (e?.kind !== 'sign_in_cancelled') showError(e, () => signIn(loginHint));
  }
}

async function importClient() {
  try {
    const status = await backend.importClientFile();
    if (status) view.renderWelcome({ clientFile: status });
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

async function copyLink() {
  const link = document.getElementById('sign-in-link');
  link.select();
  try {
    await navigator.clipboard.writeText(link.value);
  } catch {
    document.execCommand('copy');
  }
  view.announce(t('waiting.copied'));
}

function typing(e) {
  return e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
}

/** j/k move, Enter opens, / searches, r refreshes, Esc clears the search. */
function onKey(e) {
  if (document.body.dataset.screen !== 'shell' || e.ctrlKey || e.metaKey || e.altKey) return;
  const search = document.getElementById('search');
  if (e.key === 'Escape' && (e.target === search || listState.q)) {
    if (search.value || listState.q) {
      search.value = '';
      listState.q = '';
      loadFirstPage();
    }
    search.blur();
    document.getElementById('list').focus();
    return;
  }
  if (typing(e) || e.target.closest('.menu')) return;
  if (e.key === 'j') { list.move(1); e.preventDefault(); }
  else if (e.key === 'k') { list.move(-1); e.preventDefault(); }
  else if (e.key === 'Enter' && (e.target.id === 'list' || e.target === document.body)) {
    openCurrent(); e.preventDefault();
  } else if (e.key === '/') { search.focus(); e.preventDefault(); }
  else if (e.key === 'r') { refresh(); e.preventDefault(); }
}

async function start() {
  translatePage();
  document.getElementById('search').placeholder = t('list.searchPlaceholder');
  list.onOpen(openCurrent);
  list.onNeedMore(loadMore);
  document.getElementById('load-more').addEventListener('click', loadMore);
  document.getElementById('refresh').addEventListener('click', refresh);
  document.getElementById('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    listState.q = document.getElementById('search').value.trim();
    loadFirstPage();
  });
  view.onLabel((id) => {
    listState.labelId = id;
    renderSidebar();
    loadFirstPage();
  });
  document.addEventListener('keydown', onKey);
  // Back to the window after a minute away: refresh (known rows are not fetched again).
  window.addEventListener('focus', () => {
    if (document.body.dataset.screen === 'shell' && Date.now() - listState.loadedAt > 60_000) refresh();
  });
  view.onSignIn(() => signIn());
  view.onImport(importClient);
  view.onCancel(() => backend.cancelSignIn());
  view.onCopyLink(copyLink);
  view.onAddAccount(() => signIn());
  view.onSignOut(signOut);
  view.onSwitchAccount((id) => {
    const chosen = state.accounts.find((a) => a.id === id);
    if (chosen?.state === 'sign_in_again') return signIn(chosen.email);
    state.currentId = id;
    return showHome();
  });
  try {
    state.info = await backend.appInfo();
    useLocale(state.info.locale);
    translatePage();
    document.getElementById('search').placeholder = t('list.searchPlaceholder');
    await refreshAccounts();
    await showHome();
  } catch (e) {
    view.renderWelcome(state.info ?? { clientFile: { path: '', envVar: '', state: 'missing' } });
    showError({ kind: e?.kind, message: t('error.startup', { message: e?.message ?? String(e) }) }, start);
  }
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start);
} else {
  start();
}
