// The controller: holds the app's state, asks the backend, tells the view.
import * as backend from './backend.js';
import { t, translatePage, useLocale } from './i18n.js';
import { View } from './view.js';

const view = new View();
const state = { info: null, accounts: [], currentId: localStorage.getItem('account') };

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
  try {
    view.renderProfile(await backend.profile(account.id));
  } catch (e) {
    if (e?.kind === 'auth_required') await refreshAccounts();
    showError(e, showHome);
  }
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

async function start() {
  translatePage();
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
