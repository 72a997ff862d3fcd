// What an error or a notice means for the person: the sentence in their language, and the
// one action that helps. Pure functions: the controller runs the action it names.

/**
 * The action each error kind offers, beyond "Retry": the label's locale key and what it
 * runs: 'signIn' (a new sign-in), 'signInAs' (a sign-in for the error's `email`) or
 * 'importClient' (choose a client file).
 */
export const ERROR_ACTIONS = {
  auth_required: { label: 'action.signInAgain', run: 'signInAs' },
  client_file_missing: { label: 'action.chooseFile', run: 'importClient' },
  client_file_invalid: { label: 'action.chooseFile', run: 'importClient' },
  sign_in_denied: { label: 'action.tryAgain', run: 'signIn' },
  scope_not_granted: { label: 'action.signInAgain', run: 'signIn' },
  sign_in_timed_out: { label: 'action.tryAgain', run: 'signIn' },
  sign_in_failed: { label: 'action.tryAgain', run: 'signInAs' },
};

/**
 * The action for an error of `kind`: its own from the table, else 'retry' when the failed
 * step can be retried (`canRetry`), else null. {label, run}.
 */
export function errorAction(kind, { canRetry = false } = {}) {
  return ERROR_ACTIONS[kind] ?? (canRetry ? { label: 'action.retry', run: 'retry' } : null);
}

/**
 * The banner's words for `error` ({kind, message, email?, seconds?}, or anything thrown):
 * {text, detail}. A kind with a sentence is said in the person's language, the app's
 * own message (which names the file or the cause) under Details; an unknown kind shows
 * the message itself, the kind under Details.
 */
export function errorText(error, t) {
  const kind = error?.kind ?? 'unknown';
  const message = capitalise(error?.message ?? String(error));
  const key = `error.${kind}`;
  const seconds = error?.seconds ?? 0;
  const sentence = t(key, { email: error?.email ?? '', seconds, minutes: Math.ceil(seconds / 60) });
  return sentence !== key ? { text: sentence, detail: message } : { text: message, detail: kind };
}

/**
 * A sentence about the stored mail: a notice {kind, values} worded as `notice.<kind>`, or
 * (an older backend) a sentence as it came.
 */
export function noticeText(notice, t) {
  if (typeof notice === 'string') return notice;
  const key = `notice.${notice?.kind}`;
  const text = t(key, notice?.values ?? {});
  return text === key ? String(notice?.kind ?? '') : text;
}

/** `text` with its first letter in capitals. */
export function capitalise(text) {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}
