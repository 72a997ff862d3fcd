// The one owner of the DOM. Draws what the controller gives it (`render*`) and reports
// what the person does (`on*`); decides nothing. Text from outside always goes in as
// text, never as markup.
import { t, lang } from './i18n.js';
import { MessageList, accountColour } from './list.js';

const $ = (id) => document.getElementById(id);

export class View {
  constructor() {
    this.screens = { welcome: $('welcome'), waiting: $('waiting'), shell: $('shell') };
    this.path = $('client-file-path');
    this.env = $('client-file-env');
    this.fileState = $('client-file-state');
    this.customEndpoints = $('custom-endpoints');
    this.customEndpointList = $('custom-endpoint-list');
    this.signInButton = $('sign-in');
    this.importButton = $('import-client');
    this.link = $('sign-in-link');
    this.noBrowser = $('waiting-no-browser');
    this.copyLinkButton = $('copy-link');
    this.cancelButton = $('cancel-sign-in');
    this.accountButton = $('account-button');
    this.accountCurrent = $('account-current');
    this.accountMenu = $('account-menu');
    this.accountList = $('account-list');
    this.addAccountButton = $('add-account');
    this.signOutButton = $('sign-out');
    this.mailboxTitle = $('mailbox-title');
    this.sidebar = $('sidebar');
    this.systemLabels = $('system-labels');
    this.userLabels = $('user-labels');
    this.userLabelsTitle = $('user-labels-title');
    this.labelsStale = $('labels-stale');
    this.searchForm = $('search-form');
    this.search = $('search');
    this.refreshButton = $('refresh');
    this.listCount = $('list-count');
    this.listStatus = $('list-status');
    this.quotaWait = $('quota-wait');
    this.listSource = $('list-source');
    this.searchProblem = $('search-problem');
    this.storeNote = $('store-note');
    this.storeNoteText = $('store-note-text');
    this.forgetMailButton = $('forget-mail');
    this.notifyPanel = $('notify-panel');
    this.notifyAccounts = $('notify-accounts');
    $('notify-close').addEventListener('click', () => this.notifyPanel.close());
    // Closed by Done or Esc: the focus goes back where the panel was opened from.
    this.notifyPanel.addEventListener('close', () => this.restoreFocus());
    this.listBox = $('list');
    this.loadMoreButton = $('load-more');
    this.banner = $('banner');
    this.bannerText = $('banner-text');
    this.bannerDetails = $('banner-details');
    this.bannerDetailText = $('banner-detail-text');
    this.bannerAction = $('banner-action');
    this.bannerClose = $('banner-close');
    this.status = $('status');
    // The virtual list of rows draws itself; the view speaks for it.
    this.list = new MessageList($('mailbox'));
    // The search the list shows (the controller's), for Esc.
    this.query = '';
    // Each account's place among the accounts, for its colour mark.
    this.accountColours = new Map();
    this.bannerClose.addEventListener('click', () => this.hideBanner());
    $('store-note-close').addEventListener('click', () => { this.storeNote.hidden = true; });
    this.accountButton.addEventListener('click', () => this.toggleMenu());
    this.accountButton.addEventListener('keydown', (e) => this.menuButtonKey(e));
    this.accountMenu.addEventListener('keydown', (e) => this.menuKey(e));
    // A click anywhere else closes the menu.
    document.addEventListener('click', (e) => {
      if (!this.accountMenu.hidden && !e.target.closest('.account-menu')) this.toggleMenu(false);
    });
    // Where the focus was when a panel opened, to go back to when it closes.
    this.focusBefore = null;
  }

  /** The screen shown: 'welcome', 'waiting' or 'shell'. */
  get screen() {
    return document.body.dataset.screen;
  }

  show(name) {
    for (const [key, el] of Object.entries(this.screens)) el.hidden = key !== name;
    document.body.dataset.screen = name;
  }

  /** Puts the page's own text in the current language (text only, never markup). */
  renderTranslations() {
    document.documentElement.lang = lang;
    for (const el of document.querySelectorAll('[data-i18n]')) {
      el.textContent = t(el.dataset.i18n);
    }
    this.search.placeholder = t('list.searchPlaceholder');
  }

  /** Shows the welcome screen with the client file's state. */
  renderWelcome({ clientFile, customEndpoints }) {
    // Endpoints that are not Google's, said plainly (kept as they were when not given).
    if (customEndpoints) {
      this.customEndpointList.replaceChildren(
        ...customEndpoints.map(([name, url]) => {
          const li = document.createElement('li');
          const code = document.createElement('code');
          code.textContent = url;
          li.append(`${name}: `, code);
          return li;
        }),
      );
      this.customEndpoints.hidden = customEndpoints.length === 0;
    }
    this.path.textContent = clientFile.path;
    this.env.textContent = clientFile.envVar;
    const messages = {
      ready: t('welcome.fileReady'),
      missing: t('welcome.fileMissing'),
      invalid: `${t('welcome.fileInvalid')} ${clientFile.problem ?? ''}`.trim(),
    };
    this.fileState.textContent = messages[clientFile.state] ?? '';
    this.fileState.className = `file-state ${clientFile.state}`;
    this.signInButton.disabled = clientFile.state !== 'ready';
    this.show('welcome');
    document.title = 'Mailglance';
  }

  /** Shows "Waiting for your browser…" with the link to copy. */
  renderWaiting({ url, browserOpened }) {
    this.link.value = url;
    this.noBrowser.hidden = browserOpened;
    this.show('waiting');
    this.cancelButton.focus();
  }

  /** Shows the signed-in shell for `current`, with every account in the menu. */
  renderShell(accounts, current) {
    this.accountCurrent.textContent = current.email;
    this.accountList.replaceChildren(
      ...accounts.map((a) => {
        const li = document.createElement('li');
        li.setAttribute('role', 'none');
        const b = document.createElement('button');
        b.type = 'button';
        b.setAttribute('role', 'menuitemradio');
        b.setAttribute('aria-checked', String(a.id === current.id));
        b.dataset.accountId = a.id;
        b.textContent = a.name ? `${a.name} <${a.email}>` : a.email;
        if (a.state === 'sign_in_again') {
          const again = document.createElement('span');
          again.className = 'again';
          again.textContent = t('shell.signInAgain');
          b.append(again);
        }
        li.append(b);
        return li;
      }),
    );
    this.mailboxTitle.textContent = t('shell.signedInAs', { email: current.email });
    this.toggleMenu(false);
    this.show('shell');
  }

  /** The account menu's items, in order. */
  menuItems() {
    return [...this.accountMenu.querySelectorAll('[role^="menuitem"]')];
  }

  /** Arrow keys on the account button open the menu on its first (Down) or last (Up) item. */
  menuButtonKey(e) {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    this.toggleMenu(true, e.key === 'ArrowUp' ? 'last' : 'first');
  }

  /**
   * Keys in the open account menu: Down and Up move (round), Home and End go to the ends,
   * Esc closes it and gives the focus back to its button, Tab closes it and the focus
   * moves on from its button.
   */
  menuKey(e) {
    const items = this.menuItems();
    const at = items.indexOf(document.activeElement);
    const go = (index) => {
      e.preventDefault();
      items[(index + items.length) % items.length]?.focus();
    };
    switch (e.key) {
      case 'ArrowDown': return go(at + 1);
      case 'ArrowUp': return go(at < 0 ? items.length - 1 : at - 1);
      case 'Home': return go(0);
      case 'End': return go(items.length - 1);
      case 'Escape':
        e.preventDefault();
        e.stopPropagation();
        this.toggleMenu(false);
        this.accountButton.focus();
        return undefined;
      case 'Tab':
        // The browser moves the focus on from the button, forwards or back.
        this.toggleMenu(false);
        this.accountButton.focus();
        return undefined;
      default:
        return undefined;
    }
  }

  /**
   * The sidebar: system labels (in Gmail's order, with unread counts) and the user's
   * labels. `current` is the label id shown ('' for All Mail); `all` names the rows'
   * label chips. With several accounts, `allInboxes` ({id, name, unread, accounts:
   * [{id, email, unread, current}], labelsOf}) puts All inboxes on top, each account's
   * inbox under it with its colour mark, and names the account whose labels follow.
   */
  renderLabels(systemLabels, userLabels, current, all, { stale = false, allInboxes = null } = {}) {
    const item = (label, { accountId } = {}) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      if (accountId) {
        b.dataset.accountInbox = accountId;
        b.classList.add('account-inbox');
        b.setAttribute('aria-current', String(label.current));
        b.append(this.accountMark(accountId, label.name));
        b.title = label.name;
      } else {
        b.dataset.labelId = label.id;
        b.setAttribute('aria-current', String(label.id === current));
      }
      const name = document.createElement('bdi');
      name.textContent = label.name;
      b.append(name);
      if (label.unread) {
        const count = document.createElement('span');
        count.className = 'count';
        count.textContent = new Intl.NumberFormat(lang).format(label.unread);
        count.setAttribute('aria-label', `${label.unread}`);
        b.append(count);
      }
      li.append(b);
      return li;
    };
    const top = [];
    if (allInboxes) {
      top.push(item(allInboxes));
      const accounts = document.createElement('ul');
      accounts.className = 'labels accounts';
      accounts.setAttribute('aria-label', t('list.accounts'));
      accounts.replaceChildren(...allInboxes.accounts.map((a) => item(
        { name: a.email, unread: a.unread, current: a.current }, { accountId: a.id },
      )));
      const li = document.createElement('li');
      li.append(accounts);
      top.push(li);
      // The labels below are one account's: say whose.
      const heading = document.createElement('li');
      heading.className = 'labels-heading';
      const email = document.createElement('bdi');
      email.textContent = allInboxes.labelsOf;
      heading.append(email);
      top.push(heading);
    }
    this.systemLabels.replaceChildren(...top, ...systemLabels.map((l) => item(l)));
    this.userLabels.replaceChildren(...userLabels.map((l) => item(l)));
    this.userLabelsTitle.hidden = userLabels.length === 0;
    // Labels from before a failed refresh stay, marked as not current.
    this.sidebar.classList.toggle('stale', stale);
    this.labelsStale.hidden = !stale;
    this.list.renderLabelNames(all);
  }

  /**
   * Each account's colour, by its place among the accounts (a Map of account id to
   * index): the rows of All inboxes, the sidebar and the account menu show it.
   */
  renderAccountColours(colours) {
    this.accountColours = colours;
    this.list.renderAccountColours(colours);
    for (const b of this.accountList.querySelectorAll('button[data-account-id]')) {
      b.prepend(this.accountMark(b.dataset.accountId, ''));
    }
  }

  /** A round mark in the account's colour, `email` (if any) its tooltip; screen readers
   * skip it, as the address is said beside it. */
  accountMark(accountId, email) {
    const mark = document.createElement('span');
    mark.className = 'account-mark';
    mark.dataset.colour = accountColour(this.accountColours, accountId);
    mark.setAttribute('aria-hidden', 'true');
    if (email) mark.title = email;
    return mark;
  }

  /** The rows of Gmail's answer that search on this computer did not find (ids). */
  renderOnlyGmail(ids) { this.list.renderOnlyGmail(ids); }

  /**
   * Where the rows of a search come from: 'here' ("On this computer"), 'gmail'
   * ("Gmail's answer"), or null (not a search: nothing said).
   */
  renderSource(source) {
    this.listSource.hidden = !source;
    this.listSource.dataset.source = source ?? '';
    this.listSource.textContent = source === 'here' ? t('list.sourceHere')
      : source === 'gmail' ? t('list.sourceGmail') : '';
    this.listSource.title = source === 'here' ? t('list.sourceHereHint') : '';
  }

  /** Why the search typed cannot be run ('' for none); what is shown stays. */
  renderSearchProblem(text) {
    this.searchProblem.textContent = text;
    this.searchProblem.hidden = !text;
    this.search.setAttribute('aria-invalid', String(Boolean(text)));
  }

  /** The list from the top: `rows`, with row `selected` chosen (-1 for none). */
  renderRows(rows, selected) {
    this.list.renderRows(rows, selected);
    // A User Timing mark on the frame the first rows are drawn in, once: the startup
    // benchmark reads it (performance.getEntriesByName('first-rows')).
    if (rows.length && !performance.getEntriesByName('first-rows').length) {
      requestAnimationFrame(() => performance.mark('first-rows'));
    }
  }

  /** The list after a refresh, scrolled where it was: rows changed in place. */
  renderRowsInPlace(rows, selected) { this.list.renderRowsInPlace(rows, selected); }

  /**
   * "Updated 10:42"; offline, "Offline: mail as of 10:42", or "Offline: Google cannot be
   * reached" when the mail was never heard from Gmail (`ms` null); else nothing.
   */
  renderStatus(ms, { offline = false } = {}) {
    this.listStatus.classList.toggle('offline', offline);
    if (!ms) {
      this.listStatus.textContent = offline ? t('list.offline') : '';
      return;
    }
    const time = new Intl.DateTimeFormat(lang, { hour: 'numeric', minute: '2-digit' }).format(new Date(ms));
    this.listStatus.textContent = t(offline ? 'list.offlineSince' : 'list.updated', { time });
  }

  /** "Waiting for Gmail's quota (23 s)", or nothing when `seconds` is 0. */
  renderQuotaWait(seconds) {
    this.quotaWait.hidden = !seconds;
    this.quotaWait.textContent = seconds ? t('list.quotaWait', { seconds }) : '';
  }

  /**
   * What happened to the mail stored on this computer (set aside, not writable): one
   * line above the list that stays, whatever the list does, until dismissed.
   */
  renderStoreNote(text) {
    this.storeNoteText.textContent = text;
    this.storeNote.hidden = false;
  }

  /** The window's title: "Inbox (12) – Mailglance", the inbox's unread count when known. */
  renderTitle(inbox, unread) {
    const count = unread ? ` (${new Intl.NumberFormat(lang).format(unread)})` : '';
    document.title = `${inbox}${count} – Mailglance`;
  }

  /** The list with the next page's rows added below, where it is scrolled to. */
  renderMoreRows(rows, selected) { this.list.renderMoreRows(rows, selected); }

  /** Row `index` chosen; `scroll` brings it on screen (keys do, clicks need not). */
  renderSelection(index, { scroll = false } = {}) { this.list.renderSelection(index, scroll); }

  /** Loading, "Load more" and the empty note: {loading, hasMore, failed}. */
  renderListState(state) { this.list.renderState(state); }

  /** "About N messages" above the list; "N messages" once every one is loaded. */
  renderCount(shown, estimate, { failed = false, complete = false } = {}) {
    const fmt = new Intl.NumberFormat(lang);
    this.listCount.textContent = failed ? ''
      : complete ? t(shown === 1 ? 'list.countExactOne' : 'list.countExact', { count: fmt.format(shown) })
        : shown < estimate
          ? t('list.countShown', { shown: fmt.format(shown), count: fmt.format(estimate) })
          : t('list.count', { count: fmt.format(Math.max(shown, estimate)) });
  }

  /** The search the list shows; '' empties the search box. */
  renderSearch(q) {
    this.query = q;
    if (!q || this.search.value.trim() !== q) this.search.value = q;
  }

  /** Moves the focus to the search box. */
  focusSearch() { this.search.focus(); }

  /** Opens or closes the account menu; opened, the focus goes to its `focus` item
   * ('first' or 'last'). Its items are not tab stops: the arrow keys move between them. */
  toggleMenu(open = this.accountMenu.hidden, focus = 'first') {
    this.accountMenu.hidden = !open;
    this.accountButton.setAttribute('aria-expanded', String(open));
    if (!open) return;
    const items = this.menuItems();
    for (const item of items) item.tabIndex = -1;
    (focus === 'last' ? items.at(-1) : items[0])?.focus();
  }

  /** Gives the focus back to where it was when a panel opened (the account button when
   * that was an item of the menu, now closed). */
  restoreFocus() {
    const before = this.focusBefore;
    this.focusBefore = null;
    const target = !before || !before.isConnected || before.closest('[hidden]') || before === document.body
      ? this.accountButton : before;
    target.focus();
  }

  /**
   * Shows a sentence in the banner, the error's own message under "Details", and at
   * most one action: {label, run}.
   */
  renderError(text, { detail, action } = {}) {
    this.bannerText.textContent = text;
    this.bannerDetailText.textContent = detail ?? '';
    this.bannerDetails.hidden = !detail;
    this.bannerDetails.open = false;
    this.bannerAction.hidden = !action;
    this.bannerAction.onclick = action ? () => { this.hideBanner(); action.run(); } : null;
    if (action) this.bannerAction.textContent = action.label;
    this.banner.hidden = false;
  }

  hideBanner() { this.banner.hidden = true; }

  /** Says something to screen readers without moving focus. */
  announce(text) {
    this.status.textContent = text;
  }

  /** Copies the sign-in link to the clipboard (selected, so it can be copied by hand). */
  async copyLink() {
    this.link.select();
    try {
      await navigator.clipboard.writeText(this.link.value);
    } catch {
      document.execCommand('copy');
    }
  }

  /** `handler()` once the page is ready. */
  onReady(handler) {
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', handler);
    } else {
      handler();
    }
  }

  onSignIn(handler) { this.signInButton.addEventListener('click', handler); }
  onImport(handler) { this.importButton.addEventListener('click', handler); }
  onCancel(handler) { this.cancelButton.addEventListener('click', handler); }
  onCopyLink(handler) { this.copyLinkButton.addEventListener('click', handler); }
  onAddAccount(handler) { this.addAccountButton.addEventListener('click', handler); }
  onSignOut(handler) { this.signOutButton.addEventListener('click', handler); }
  onRefresh(handler) { this.refreshButton.addEventListener('click', handler); }
  onLoadMore(handler) { this.loadMoreButton.addEventListener('click', handler); }

  /** `handler(accountId)` when an account in the menu is chosen. */
  onSwitchAccount(handler) {
    this.accountList.addEventListener('click', (e) => {
      const b = e.target.closest('button[data-account-id]');
      if (b) handler(b.dataset.accountId);
    });
  }

  /** The Notifications panel: a box per account, ticked when its new mail is announced. */
  renderNotificationSettings(settings, tray) {
    $('tray-setting').hidden = !tray.available;
    $('keep-in-tray').checked = tray.keepInTray;
    this.notifyAccounts.replaceChildren(
      ...settings.map(({ accountId, email, on }) => {
        const li = document.createElement('li');
        const label = document.createElement('label');
        const box = document.createElement('input');
        box.type = 'checkbox';
        box.checked = on;
        box.dataset.accountId = accountId;
        label.append(box, ` ${email}`);
        li.append(label);
        return li;
      }),
    );
    if (!this.notifyPanel.open) {
      this.focusBefore = this.focusBefore ?? document.activeElement;
      this.notifyPanel.showModal();
      // The first box has the focus, not the panel itself (which is no tab stop).
      (this.notifyAccounts.querySelector('input') ?? $('notify-close')).focus();
    }
  }

  /** `handler()` when "Notifications…" is chosen in the account menu. */
  onNotificationSettings(handler) {
    $('notify-settings').addEventListener('click', () => {
      // Opened from the menu: closed, the focus goes back to the menu's button.
      this.focusBefore = this.accountButton;
      this.toggleMenu(false);
      handler();
    });
  }

  /** `handler(on)` when "Keep running in the tray" changes. */
  onKeepInTray(handler) {
    $('keep-in-tray').addEventListener('change', (e) => handler(e.target.checked));
  }

  /** `handler(accountId, on)` when a box in the Notifications panel changes. */
  onNotificationToggle(handler) {
    this.notifyAccounts.addEventListener('change', (e) => {
      const box = e.target.closest('input[data-account-id]');
      if (box) handler(box.dataset.accountId, box.checked);
    });
  }

  onForgetMail(handler) {
    this.forgetMailButton.addEventListener('click', () => {
      this.toggleMenu(false);
      handler();
    });
  }

  /** `handler(labelId)` when a label in the sidebar is chosen. */
  onLabel(handler) {
    this.sidebar.addEventListener('click', (e) => {
      const b = e.target.closest('button[data-label-id]');
      if (b) handler(b.dataset.labelId);
    });
  }

  /** `handler(text)` on every change to the search box (typing, pasting, clearing). */
  onSearchInput(handler) {
    this.search.addEventListener('input', () => handler(this.search.value));
  }

  /** `handler(accountId)` when an account's inbox under All inboxes is chosen. */
  onAccountInbox(handler) {
    this.sidebar.addEventListener('click', (e) => {
      const b = e.target.closest('button[data-account-inbox]');
      if (b) handler(b.dataset.accountInbox);
    });
  }

  /** `handler(q)` when a search is sent (Enter in the search box). */
  onSearch(handler) {
    this.searchForm.addEventListener('submit', (e) => {
      e.preventDefault();
      handler(this.search.value.trim());
    });
  }

  /** `handler(index)` when a row is clicked. */
  onSelectRow(handler) { this.list.onSelect(handler); }
  /** `handler(index)` when a row is double-clicked. */
  onOpenRow(handler) { this.list.onOpen(handler); }
  /** `handler()` when the end of the list scrolls into view. */
  onNeedMore(handler) { this.list.onNeedMore(handler); }

  /** `handler()` when the window gets the focus back. */
  onWindowFocus(handler) { window.addEventListener('focus', handler); }

  /**
   * `handler(action)` for the list's keys, in the shell only: 'next' (j), 'prev' (k),
   * 'open' (Enter on the list), 'focusSearch' (/), 'refresh' (r) and 'clear' (Esc with a
   * search shown or typed; the focus goes back to the list).
   */
  onKey(handler) {
    document.addEventListener('keydown', (e) => {
      // Keys in the Notifications panel are the panel's (Esc closes it).
      if (this.screen !== 'shell' || e.ctrlKey || e.metaKey || e.altKey || e.target.closest('dialog')) return;
      if (e.key === 'Escape' && (e.target === this.search || this.query)) {
        if (this.search.value || this.query) handler('clear');
        this.search.blur();
        this.listBox.focus();
        return;
      }
      if (typing(e) || e.target.closest('.menu')) return;
      const onList = e.target === this.listBox || e.target === document.body;
      const action = {
        j: 'next',
        k: 'prev',
        Enter: onList ? 'open' : undefined,
        '/': 'focusSearch',
        r: 'refresh',
      }[e.key];
      if (!action) return;
      handler(action);
      e.preventDefault();
    });
  }
}

/** Whether the key goes into a text field. */
function typing(e) {
  return e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
}
