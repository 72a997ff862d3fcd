// The one owner of the DOM. Renders state and reports what the person does;
// decides nothing. Text from outside always goes in as text, never as markup.
import { t, lang } from './i18n.js';

const $ = (id) => document.getElementById(id);

export class View {
  constructor() {
    this.screens = { welcome: $('welcome'), waiting: $('waiting'), shell: $('shell') };
    this.path = $('client-file-path');
    this.env = $('client-file-env');
    this.fileState = $('client-file-state');
    this.signIn = $('sign-in');
    this.importButton = $('import-client');
    this.link = $('sign-in-link');
    this.noBrowser = $('waiting-no-browser');
    this.copyLink = $('copy-link');
    this.cancel = $('cancel-sign-in');
    this.accountButton = $('account-button');
    this.accountCurrent = $('account-current');
    this.accountMenu = $('account-menu');
    this.accountList = $('account-list');
    this.addAccount = $('add-account');
    this.signOutButton = $('sign-out');
    this.mailboxTitle = $('mailbox-title');
    this.mailboxSummary = $('mailbox-summary');
    this.banner = $('banner');
    this.bannerText = $('banner-text');
    this.bannerDetails = $('banner-details');
    this.bannerDetailText = $('banner-detail-text');
    this.bannerAction = $('banner-action');
    this.bannerClose = $('banner-close');
    this.status = $('status');
    this.bannerClose.addEventListener('click', () => this.hideBanner());
    this.accountButton.addEventListener('click', () => this.toggleMenu());
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !this.accountMenu.hidden) {
        this.toggleMenu(false);
        this.accountButton.focus();
      }
    });
  }

  show(name) {
    for (const [key, el] of Object.entries(this.screens)) el.hidden = key !== name;
    document.body.dataset.screen = name;
  }

  /** Shows the welcome screen with the client file's state. */
  renderWelcome({ clientFile }) {
    this.path.textContent = clientFile.path;
    this.env.textContent = clientFile.envVar;
    const messages = {
      ready: t('welcome.fileReady'),
      missing: t('welcome.fileMissing'),
      invalid: `${t('welcome.fileInvalid')} ${clientFile.problem ?? ''}`.trim(),
    };
    this.fileState.textContent = messages[clientFile.state] ?? '';
    this.fileState.className = `file-state ${clientFile.state}`;
    this.signIn.disabled = clientFile.state !== 'ready';
    this.show('welcome');
    document.title = 'Mailglance';
  }

  /** Shows "Waiting for your browser…" with the link to copy. */
  renderWaiting({ url, browserOpened }) {
    this.link.value = url;
    this.noBrowser.hidden = browserOpened;
    this.show('waiting');
    this.cancel.focus();
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
    this.mailboxSummary.textContent = '';
    this.toggleMenu(false);
    this.show('shell');
  }

  /**
   * The sidebar: system labels (in Gmail's order, with unread counts) and the user's
   * labels. `current` is the label id shown ('' for All Mail).
   */
  renderLabels(systemLabels, userLabels, current) {
    const item = (label) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.labelId = label.id;
      b.setAttribute('aria-current', String(label.id === current));
      const name = document.createElement('span');
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
    document.getElementById('system-labels').replaceChildren(...systemLabels.map(item));
    document.getElementById('user-labels').replaceChildren(...userLabels.map(item));
    document.getElementById('user-labels-title').hidden = userLabels.length === 0;
  }

  /** `handler(labelId)` when a label in the sidebar is chosen. */
  onLabel(handler) {
    document.getElementById('sidebar').addEventListener('click', (e) => {
      const b = e.target.closest('button[data-label-id]');
      if (b) handler(b.dataset.labelId);
    });
  }

  /** "About N messages" above the list. */
  renderCount(shown, estimate, failed = false) {
    const fmt = new Intl.NumberFormat(lang);
    document.getElementById('list-count').textContent = failed ? '' : shown < estimate
      ? t('list.countShown', { shown: fmt.format(shown), count: fmt.format(estimate) })
      : t('list.count', { count: fmt.format(Math.max(shown, estimate)) });
  }

  /** The mailbox's size under the title. */
  renderProfile(profile) {
    const count = new Intl.NumberFormat(lang).format(profile.messagesTotal);
    this.mailboxSummary.textContent = t('shell.messages', { count });
  }

  toggleMenu(open = this.accountMenu.hidden) {
    this.accountMenu.hidden = !open;
    this.accountButton.setAttribute('aria-expanded', String(open));
    if (open) this.accountMenu.querySelector('button')?.focus();
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

  onSignIn(handler) { this.signIn.addEventListener('click', handler); }
  onImport(handler) { this.importButton.addEventListener('click', handler); }
  onCancel(handler) { this.cancel.addEventListener('click', handler); }
  onCopyLink(handler) { this.copyLink.addEventListener('click', handler); }
  onAddAccount(handler) { this.addAccount.addEventListener('click', handler); }
  onSignOut(handler) { this.signOutButton.addEventListener('click', handler); }
  /** `handler(accountId)` when an account in the menu is chosen. */
  onSwitchAccount(handler) {
    this.accountList.addEventListener('click', (e) => {
      const b = e.target.closest('button[data-account-id]');
      if (b) handler(b.dataset.accountId);
    });
  }
}
