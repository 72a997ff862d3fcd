// The one owner of the DOM. Renders state and reports what the person does;
// decides nothing. Text from outside always goes in as text, never as markup.
import { t } from './i18n.js';

const $ = (id) => document.getElementById(id);

export class View {
  constructor() {
    this.welcome = $('welcome');
    this.path = $('client-file-path');
    this.env = $('client-file-env');
    this.fileState = $('client-file-state');
    this.signIn = $('sign-in');
    this.importButton = $('import-client');
    this.banner = $('banner');
    this.bannerText = $('banner-text');
    this.status = $('status');
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
    this.welcome.hidden = false;
    document.title = 'Mailglance';
  }

  /** Shows an error sentence in the banner (text only). */
  renderError(text) {
    this.bannerText.textContent = text;
    this.banner.hidden = false;
  }

  /** Says something to screen readers without moving focus. */
  announce(text) {
    this.status.textContent = text;
  }

  onSignIn(handler) { this.signIn.addEventListener('click', handler); }
  onImport(handler) { this.importButton.addEventListener('click', handler); }
}
