// The only door to the Rust side: the app's own commands, nothing else.
// Errors arrive as {kind, message} (and `email` for "sign in again", `seconds` for a
// quota wait); the kinds are listed in crates/mailglance-core/src/error.rs (`KINDS`),
// each worded in ui/locales/. Nothing that comes back holds a token.

function invoke(command, args) {
  const tauri = window.__TAURI__;
  if (!tauri || !tauri.core) {
    return Promise.reject({ kind: 'no_backend', message: 'This page must run inside the Mailglance app.' });
  }
  return tauri.core.invoke(command, args);
}

/** The version, the system locale and the client file's state, for the first screen. */
export const appInfo = () => invoke('app_info');
/** Opens a file dialog, checks the chosen client file and copies it; null when closed. */
export const importClientFile = () => invoke('import_client_file');
/** Known accounts with their state (restored from the keychain, no network). */
export const accounts = () => invoke('accounts');
/** Opens the browser on Google's consent page: {url, browserOpened}. */
export const startSignIn = (loginHint) => invoke('start_sign_in', { loginHint: loginHint ?? null });
/** Waits for the browser's reply: the signed-in account. */
export const finishSignIn = () => invoke('finish_sign_in');
/** Stops waiting for the browser. */
export const cancelSignIn = () => invoke('cancel_sign_in');
/** Signs out of one account: {email, revoked, problem}. */
export const signOut = (accountId) => invoke('sign_out', { accountId });
/** The account's labels: [{id, name, kind, unread, total}]. */
export const labels = (accountId) => invoke('labels', { accountId });
/** One page of the list: {rows, nextPageToken, resultSizeEstimate, offline, asOfMs,
 * onlyGmail?}: `offline` when it came from the store because Gmail could not be reached,
 * `asOfMs` when the store last heard from Gmail (null if never); onlyGmail: for a search,
 * the rows search on this computer does not find. */
export const listPage = (accountId, query) => invoke('list_page', { accountId, query });
/** Opens the message in Gmail in the system browser. */
export const openMessage = (accountId, messageId) => invoke('open_message', { accountId, messageId });
/** The first page of a list as stored on this computer (no network). */
export const storedPage = (accountId, query) => invoke('stored_page', { accountId, query });
/** Search on this computer alone (no network): results while typing. */
export const searchHere = (accountId, query) => invoke('search_here', { accountId, query });
/** A page of All inboxes, every account's list merged by date, from `source` ('gmail',
 * 'stored' or 'here'): {rows (each with account, accountId), nextPageToken,
 * resultSizeEstimate, accounts: [{account, accountId, offline, asOfMs?, problem?}],
 * onlyGmail?}. */
export const mergedPage = (query, source) => invoke('merged_page', { query, source });
/** The labels as stored on this computer (no network). */
export const storedLabels = (accountId) => invoke('stored_labels', { accountId });
/** Brings the stored mail up to date: {added, deleted, changed, historyId, units, full}. */
export const sync = (accountId) => invoke('sync', { accountId });
/** Deletes the mail stored on this computer; the sign-ins stay. */
export const forgetStoredMail = () => invoke('forget_stored_mail');
/** What the person should read about the stored mail: [{kind, values}], worded by the
 * window as `notice.<kind>` (an older backend sends sentences). */
export const notices = () => invoke('notices');
/** Whether each account's new mail is announced: [{accountId, email, on}]. */
export const notificationSettings = () => invoke('notification_settings');
/** Whether there is a tray, and whether closing the window keeps the app in it. */
export const traySettings = () => invoke('tray_settings');
/** Sets whether closing the window keeps the app running in the tray. */
export const setKeepInTray = (on) => invoke('set_keep_in_tray', { on });
/** Turns announcing an account's new mail on or off. */
export const setNotifications = (accountId, on) => invoke('set_notifications', { accountId, on });
/** The words the app shows outside the window, in the window's language: {trayOpen,
 * trayCheckNow, trayQuit, newMessages ({count} and {email} filled in), noSubject,
 * notificationOpen}. */
export const setTexts = (texts) => invoke('set_texts', { texts });
/** Each signed-in account's inbox unread count as stored, [{accountId, unread}] (`unread`
 * null before its labels are stored): the same core function the tray adds up. */
export const inboxUnread = () => invoke('inbox_unread');

/** Calls `handler(payload)` for each of the app's own events: `synced` after a
 * background check ({accountId, changed}), `open-message` when a notification is
 * clicked ({accountId, id}), `quota-wait` while Gmail's quota holds calls
 * ([{accountId, untilMs}]). */
export function onEvent(name, handler) {
  const tauri = window.__TAURI__;
  if (tauri?.event) tauri.event.listen(name, (e) => handler(e.payload));
}
