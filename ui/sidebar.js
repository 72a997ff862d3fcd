// The sidebar's model: which labels it lists, in what order, with which counts, which one
// is current, and the window's title. Pure functions of the controller's state: no DOM,
// no backend, so they can be tested alone.

/** Gmail's system labels in the sidebar, in Gmail's order ('' is All Mail). */
export const SYSTEM_LABELS = ['INBOX', 'STARRED', 'IMPORTANT', 'SENT', 'DRAFT', '', 'SPAM', 'TRASH'];
/** The system labels that show an unread count. */
export const COUNTED_LABELS = ['INBOX', 'IMPORTANT', 'SPAM'];
/** The sidebar entry of All inboxes (not a Gmail label id: those never start with '@'). */
export const ALL_INBOXES = '@all';

/** The inbox's unread count in `labels` ([{id, unread}]), or undefined when not known. */
export function inboxUnread(labels) {
  return labels.find((l) => l.id === 'INBOX')?.unread ?? undefined;
}

/**
 * What the sidebar shows and the window's title says, from:
 * - `labels`: the current account's labels [{id, name, kind, unread}];
 * - `signedIn`: the accounts signed in [{id, email}];
 * - `inboxCounts`: each account's inbox unread count (a Map of account id to count);
 * - `labelId`: the label shown ('' for All Mail); `showingAll`: All inboxes is shown;
 * - `currentId`: the account shown; `t` and `lang`: the words and their language.
 *
 * Returns {system, user, current, allInboxes, title: {name, unread}}: `allInboxes` is
 * null with fewer than two accounts, else {id, name, unread, accounts: [{id, email,
 * unread, current}], labelsOf}.
 */
export function sidebarModel({ labels, signedIn, inboxCounts, labelId, showingAll, currentId, t, lang }) {
  const byId = new Map(labels.map((l) => [l.id, l]));
  const system = SYSTEM_LABELS.map((id) => ({
    id,
    name: t(`label.${id || 'ALL'}`),
    unread: COUNTED_LABELS.includes(id) ? byId.get(id)?.unread : undefined,
  }));
  const user = labels
    .filter((l) => l.kind === 'user')
    .sort((a, b) => a.name.localeCompare(b.name, lang));
  const allUnread = signedIn.reduce((sum, a) => sum + (inboxCounts.get(a.id) ?? 0), 0);
  const allInboxes = signedIn.length >= 2 ? {
    id: ALL_INBOXES,
    name: t('label.allInboxes'),
    unread: allUnread,
    accounts: signedIn.map((a) => ({
      id: a.id,
      email: a.email,
      unread: inboxCounts.get(a.id),
      current: !showingAll && a.id === currentId && labelId === 'INBOX',
    })),
    labelsOf: signedIn.find((a) => a.id === currentId)?.email ?? '',
  } : null;
  return {
    system,
    user,
    current: showingAll ? ALL_INBOXES : labelId,
    allInboxes,
    title: showingAll
      ? { name: t('label.allInboxes'), unread: allUnread }
      : { name: t('label.INBOX'), unread: byId.get('INBOX')?.unread },
  };
}
