// The controller: holds the app's state, asks the backend, tells the view. It never
// touches the page: the view draws (`view.render*`) and reports (`view.on*`). It is
// given its view, backend, storage, clock and timers (`createController`), so it runs
// the same in the window and in the tests under Node (`ui/test/`).
//
// Answers arrive in any order: every list answer is checked against the request that
// is current when it lands (a generation number, the account, the query), and one that
// is no longer current is dropped, so a late answer never paints over a newer one.
import { t, useLocale, lang } from './i18n.js';
import { ALL_INBOXES, inboxUnread, sidebarModel } from './sidebar.js';
import { errorAction, errorText, noticeText, capitalise } from './errors.js';

const PAGE_SIZE = 50;
/** Results while typing wait this long after the last key. */
export const TYPING_PAUSE_MS = 250;

/**
 * A controller over `view` (the View's `render*` and `on*`), `backend` (backend.js's
 * calls), `storage` (getItem/setItem: the account and view chosen), `now` (ms since the
 * epoch) and `timers` ({setTimeout, clearTimeout, setInterval, clearInterval}).
 * `start()` binds the view and shows the first screen.
 */
export function createController({ view, backend, storage, now = Date.now, timers = globalThis }) {
  const state = {
    info: null, accounts: [], currentId: storage.getItem('account'),
    // The screen shown: 'welcome', 'waiting' or 'shell'.
    screen: null,
  };
  // The list: what is shown, and where the next page starts.
  const listState = {
    labelId: 'INBOX', q: '', next: null, estimate: 0, loading: false, generation: 0,
    loadedAt: 0, labels: [], labelsStale: false, labelsGeneration: 0,
    // The rows loaded so far, and the index of the chosen one (-1 for none).
    rows: [], selected: -1,
    // All inboxes (every account's inbox merged by date) instead of one account's label.
    all: storage.getItem('view') === 'all',
    // Where the rows shown come from: 'gmail' (Gmail's answer) or 'here' (search on this
    // computer, while typing); and the rows of Gmail's answer only Gmail found.
    source: 'gmail', onlyGmail: new Set(),
    // What the list shown is (account, label or All inboxes, query), once painted.
    shownKey: null,
    // Whether the last page from Gmail came from the store instead (Google unreachable),
    // and when the mail shown was last heard from Gmail (null: never, or not known).
    offline: false, heardAt: null,
    // Whether the list failed to load (the banner speaks, not "No messages here").
    failed: false,
    // Each signed-in account's inbox unread count, for All inboxes.
    inboxCounts: new Map(),
  };
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
    const { text, detail } = errorText(error, t);
    const chosen = errorAction(error?.kind, { canRetry: Boolean(retry) });
    const runs = {
      signIn: () => signIn(),
      signInAs: () => signIn(error?.email),
      importClient,
      retry,
    };
    const action = chosen ? { label: t(chosen.label), run: runs[chosen.run] } : undefined;
    view.renderError(text, { detail, action });
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
    storage.setItem('account', account.id);
    showShell(account);
    // The last list from this computer first, before any network call; then Gmail.
    await paintFromStore(account);
    await loadInboxCounts();
    await showNotices();
    await refresh();
  }

  /** Paints the stored labels and the stored first page of the list shown, if any. */
  async function paintFromStore(account) {
    const generation = ++listState.generation;
    const key = listKey(account);
    const [, page] = await Promise.all([
      loadLabels({ stored: true, quiet: true }),
      fetchPage(null, 'stored').catch(() => null),
    ]);
    // Nothing stored, the store cannot be read, or another list asked for meanwhile:
    // Gmail will answer.
    if (!page?.rows.length || generation !== listState.generation) return;
    applyPage(page, { key, source: 'gmail', from: 'stored' });
  }

  /** Tells the person what happened to the stored mail (set aside, not writable). */
  async function showNotices() {
    const notices = await backend.notices().catch(() => []);
    if (notices?.length) view.renderStoreNote(notices.map((n) => noticeText(n, t)).join(' '));
  }

  /** What the list for `account` is: the account and label (or All inboxes) and query. */
  function listKey(account) {
    const scope = showingAll() ? 'all' : `${account?.id}\n${listState.labelId}`;
    return `${scope}\n${listState.q}`;
  }

  /** Whether `page` came from the store because Google could not be reached (an older
   * backend says so only by `asOfMs`). */
  function isOffline(page) {
    return page.offline ?? page.asOfMs != null;
  }

  /**
   * One page of what is shown, from `source`: 'gmail' (Gmail's list, the store when Gmail
   * cannot be reached), 'stored' (the store alone) or 'here' (search on this computer).
   * All inboxes merges every account's; the page is then offline when any account is,
   * as of the oldest, and says which accounts are left out (`problems`).
   */
  async function fetchPage(pageToken, source, q = query(pageToken)) {
    if (showingAll()) {
      const page = await backend.mergedPage(q, source);
      const offline = page.accounts.filter(isOffline);
      const times = offline.map((a) => a.asOfMs).filter((ms) => ms != null);
      return {
        ...page,
        offline: offline.length > 0,
        asOfMs: times.length ? Math.min(...times) : null,
        problems: page.accounts.filter((a) => a.problem).map((a) => a.problem),
      };
    }
    const account = current();
    const call = { gmail: backend.listPage, stored: backend.storedPage, here: backend.searchHere }[source];
    return call(account.id, q);
  }

  /**
   * Shows a first page in place of the list: every way a list is painted goes through
   * here, so each sets the same things. `how`:
   * - `key`: what the list is (`listKey`), checked by later answers;
   * - `source`: 'gmail' or 'here' (search on this computer);
   * - `from`: 'gmail' (an answer from Gmail, or the store's when Gmail cannot be reached),
   *   'stored' (the store's, painted before any network call), 'here' (search on this
   *   computer while typing: the status stays) or 'synced' (a background check just
   *   brought the store up to date);
   * - `inPlace`: the same list refreshed (the chosen row and the scroll stay);
   * - `next`: the next page's cursor, when not the page's own.
   */
  function applyPage(page, { key, source, from, inPlace = false, next }) {
    listState.source = source;
    listState.onlyGmail = new Set(page.onlyGmail ?? []);
    view.renderOnlyGmail(listState.onlyGmail);
    if (inPlace) showRowsInPlace(page.rows);
    else showRows(page.rows);
    listState.shownKey = key;
    listState.next = next !== undefined ? next : page.nextPageToken ?? null;
    listState.estimate = page.resultSizeEstimate ?? 0;
    listState.failed = false;
    if (from === 'gmail') {
      listState.offline = isOffline(page);
      listState.heardAt = listState.offline ? page.asOfMs ?? null : now();
      listState.loadedAt = now();
    } else if (from === 'stored') {
      // Not known yet whether Google can be reached: the time the store last heard.
      listState.offline = false;
      listState.heardAt = page.asOfMs ?? null;
    } else if (from === 'synced' && !listState.offline) {
      listState.heardAt = now();
    }
    renderStatus();
    view.renderSource(listState.q ? source : null);
    finishLoading();
  }

  /** "Updated 10:42", or "Offline: mail as of 10:42", or "Offline: Google cannot be
   * reached" when the store never heard from Gmail. */
  function renderStatus() {
    view.renderStatus(listState.heardAt, { offline: listState.offline });
  }

  /** Keeps an account's inbox unread count from its labels, for All inboxes. */
  function keepInboxCount(accountId, labels) {
    const unread = inboxUnread(labels);
    if (unread != null) listState.inboxCounts.set(accountId, unread);
  }

  /** The inbox unread counts of `accounts` (every signed-in one by default), as stored (no
   * network), for All inboxes. */
  async function loadInboxCounts(accounts = signedIn()) {
    if (signedIn().length < 2) return;
    const wanted = new Set(accounts.map((a) => a.id));
    try {
      // The core's one count of each inbox (the tray shows their sum too).
      for (const { accountId, unread } of await backend.inboxUnread()) {
        if (wanted.has(accountId) && unread != null) listState.inboxCounts.set(accountId, unread);
      }
    } catch {
      // Nothing stored yet: the next sync or refresh brings it.
    }
    renderSidebar();
  }

  /**
   * Sidebar labels with unread counts: from Gmail, or as stored (`stored`: at launch, or
   * as a sync just kept them). An answer for another account, or older than one asked
   * since, is dropped. `quiet`: a failure says nothing (the store had none).
   */
  async function loadLabels({ stored = false, quiet = false } = {}) {
    const account = current();
    if (!account) return;
    const generation = ++listState.labelsGeneration;
    const stale = () => generation !== listState.labelsGeneration || current()?.id !== account.id;
    try {
      const labels = stored ? await backend.storedLabels(account.id) : await backend.labels(account.id);
      if (stale()) return;
      keepInboxCount(account.id, labels);
      if (stored && !labels.length) return;
      listState.labels = labels;
      listState.labelsStale = false;
    } catch (e) {
      if (stale() || quiet) return;
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
    const model = sidebarModel({
      labels: listState.labels,
      signedIn: signedIn(),
      inboxCounts: listState.inboxCounts,
      labelId: listState.labelId,
      showingAll: showingAll(),
      currentId: current()?.id,
      t,
      lang,
    });
    view.renderLabels(model.system, model.user, model.current, listState.labels, {
      stale: listState.labelsStale, allInboxes: model.allInboxes,
    });
    view.renderTitle(model.title.name, model.title.unread);
  }

  /** The first page for the current label and query, from Gmail; replaces what is shown. */
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
      // Gmail's answer to a search, or (offline) the store's.
      const source = listState.q && isOffline(page) ? 'here' : 'gmail';
      view.hideBanner();
      applyPage(page, { key, source, from: 'gmail', inPlace: refreshing });
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
      finishLoading();
      await handleListError(e, loadFirstPage);
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
      finishLoading();
    } catch (e) {
      if (generation !== listState.generation) return;
      finishLoading();
      await handleListError(e, loadMore);
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
    // Nothing from this computer shown (a first launch): there is nothing to bring up to
    // date, and the first page begins the mailbox's history itself, beside its list, so
    // the rows come one round trip sooner.
    const nothingStored = listState.rows.length === 0 && listState.labels.length === 0;
    if (!nothingStored) {
      try {
        const done = await backend.sync(account.id);
        // A sync that saw any change fetched the labels again and kept them.
        if (done?.labelsFetched) labels = 'stored';
      } catch (e) {
        if (e?.kind !== 'offline') labels = 'gmail';
      }
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
      let fetch = !listState.inboxCounts.has(a.id);
      try {
        const done = await backend.sync(a.id);
        // Its counts moved: fetched again by the sync, and kept.
        if (done?.labelsFetched) fetch = false;
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
    timers.clearTimeout(typingTimer);
    listState.q = q;
    view.renderSearch(q);
    view.renderSearchProblem('');
    return loadFirstPage();
  }

  /** Typing in the search box: after a pause, what this computer finds, with no network. */
  function typed(text) {
    timers.clearTimeout(typingTimer);
    const q = text.trim();
    typingTimer = timers.setTimeout(() => {
      if (q === listState.q && listState.source === 'here') return;
      if (!q) {
        if (listState.q) search('');
        return;
      }
      searchHereNow(q);
    }, TYPING_PAUSE_MS);
  }

  async function searchHereNow(q) {
    const account = current();
    if (!account) return;
    const generation = ++listState.generation;
    listState.q = q;
    const key = listKey(account);
    try {
      const page = await fetchPage(null, 'here');
      if (generation !== listState.generation) return;
      view.renderSearchProblem('');
      view.renderSearch(q);
      applyPage(page, { key, source: 'here', from: 'here' });
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
    storage.setItem('view', 'account');
    return showHome();
  }

  /** A label (or All inboxes) chosen in the sidebar. */
  function chooseLabel(id) {
    listState.all = id === ALL_INBOXES;
    storage.setItem('view', listState.all ? 'all' : 'account');
    listState.labelId = listState.all ? 'INBOX' : id;
    renderSidebar();
    return loadFirstPage();
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
    view.onLabel(chooseLabel);
    view.onKey((action) => keys[action]?.());
    // Back to the window after a minute away: refresh (known rows are not fetched again).
    view.onWindowFocus(() => {
      if (state.screen === 'shell' && now() - listState.loadedAt > 60_000) refresh();
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

  /** The words the app shows outside the window (the tray, notifications), in the
   * window's language. */
  function outsideTexts() {
    return {
      trayOpen: t('tray.open'),
      trayCheckNow: t('tray.checkNow'),
      trayQuit: t('tray.quit'),
      newMessages: t('notify.newMessages', { count: '{count}', email: '{email}' }),
      noSubject: t('notify.noSubject'),
      notificationOpen: t('notify.open'),
    };
  }

  /** Asks the backend what to show first; again from "Retry" if that failed. */
  async function load() {
    try {
      state.info = await backend.appInfo();
      useLocale(state.info.locale);
      view.renderTranslations();
      // An older backend has no such command: its words stay English.
      Promise.resolve().then(() => backend.setTexts(outsideTexts())).catch(() => {});
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
    // The account shown heard from Gmail now (under All inboxes, the others may not have).
    if (!all) listState.offline = false;
    // A search shown stays as answered (Gmail's answer holds rows this computer cannot
    // find); a list is repainted.
    const key = listKey(account);
    const generation = listState.generation;
    if (changed && !listState.loading && !listState.q && listState.shownKey === key) {
      try {
        // As many rows as are loaded, so a list scrolled far keeps its rows.
        const shown = { ...query(null), maxResults: Math.min(500, Math.max(PAGE_SIZE, listState.rows.length)) };
        const page = await fetchPage(null, 'stored', shown);
        if (generation !== listState.generation || listState.shownKey !== key || listState.loading) return;
        // Gmail's cursor goes on after the rows shown; the count never drops below Gmail's.
        const estimate = Math.max(listState.estimate, page.resultSizeEstimate ?? 0);
        applyPage({ ...page, resultSizeEstimate: estimate }, {
          key, source: 'gmail', from: 'synced', inPlace: true, next: listState.next,
        });
      } catch (e) {
        // The next check, or a refresh, tries again.
      }
    } else if (!listState.offline) {
      listState.heardAt = now();
      renderStatus();
    } else {
      renderStatus();
    }
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
    if (quotaWaits.length && !quotaTimer) quotaTimer = timers.setInterval(renderQuotaWait, 1000);
  }

  /** "Waiting for Gmail's quota (23 s)" while any account waits, the longest wait shown. */
  function renderQuotaWait() {
    const until = Math.max(0, ...quotaWaits.map((w) => w.untilMs));
    const seconds = Math.ceil((until - now()) / 1000);
    if (!quotaWaits.length || seconds <= 0) {
      timers.clearInterval(quotaTimer);
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

  return { start, state, listState, applyPage, searchHereNow };
}
