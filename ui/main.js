// The controller: holds the app's state, asks the backend, tells the view.
import * as backend from './backend.js';
import { t, translatePage, useLocale } from './i18n.js';
import { View } from './view.js';

async function start() {
  translatePage();
  const view = new View();
  view.onSignIn(() => view.announce(t('welcome.notYet')));
  view.onImport(() => view.announce(t('welcome.notYet')));
  try {
    const info = await backend.appInfo();
    useLocale(info.locale);
    translatePage();
    view.renderWelcome(info);
  } catch (e) {
    view.renderError(t('error.startup', { message: e?.message ?? String(e) }));
  }
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start);
} else {
  start();
}
