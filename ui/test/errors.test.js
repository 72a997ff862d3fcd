// What each error offers the person, and the words of errors and notices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_ACTIONS, errorAction, errorText, noticeText } from '../errors.js';
import { t } from '../i18n.js';
import en from '../locales/en.js';
import fr from '../locales/fr.js';
import pl from '../locales/pl.js';

test('an ended sign-in and a refused sign-in offer to sign in again; a failed one, as the same account', () => {
  assert.deepEqual(errorAction('auth_required'), { label: 'action.signInAgain', run: 'signInAs' });
  assert.deepEqual(errorAction('scope_not_granted'), { label: 'action.signInAgain', run: 'signIn' });
  assert.deepEqual(errorAction('sign_in_failed'), { label: 'action.tryAgain', run: 'signInAs' });
  assert.deepEqual(errorAction('sign_in_denied'), { label: 'action.tryAgain', run: 'signIn' });
  assert.deepEqual(errorAction('sign_in_timed_out'), { label: 'action.tryAgain', run: 'signIn' });
});

test('a missing or unusable client file offers to choose one', () => {
  assert.equal(errorAction('client_file_missing').run, 'importClient');
  assert.equal(errorAction('client_file_invalid').run, 'importClient');
});

test('any other error offers Retry when the step can be retried, else nothing', () => {
  assert.deepEqual(errorAction('offline', { canRetry: true }), { label: 'action.retry', run: 'retry' });
  assert.equal(errorAction('offline'), null);
  assert.equal(errorAction(undefined, { canRetry: true }).run, 'retry');
});

test("every action's label has a text in every locale", () => {
  for (const { label } of [...Object.values(ERROR_ACTIONS), errorAction('x', { canRetry: true })]) {
    for (const strings of [en, fr, pl]) assert.ok(strings[label], label);
  }
});

test("a known kind is said in the person's words with the app's message under Details", () => {
  const text = errorText({ kind: 'quota_wait', seconds: 150, message: 'quota: wait 150 s' }, t);
  assert.equal(text.text.includes('about 3 min'), true, text.text);
  assert.equal(text.detail, 'Quota: wait 150 s');
});

test('an unknown kind shows its own message, the kind under Details', () => {
  assert.deepEqual(errorText({ kind: 'new_thing', message: 'something new' }, t), { text: 'Something new', detail: 'new_thing' });
  assert.deepEqual(errorText('plain', t), { text: 'Plain', detail: 'unknown' });
});

test('every locale has the same keys, with the same placeholders', () => {
  const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const [name, strings] of Object.entries({ fr, pl })) {
    assert.deepEqual(Object.keys(strings).sort(), Object.keys(en).sort(), name);
    for (const key of Object.keys(en)) {
      assert.deepEqual(placeholders(strings[key]), placeholders(en[key]), `${name}: ${key}`);
    }
  }
});

test('a notice is worded from its kind and values; a plain sentence is kept', () => {
  assert.equal(
    noticeText({ kind: 'store_set_aside', values: { why: 'not a database', path: '/m/a.sqlite3.corrupt-1' } }, t),
    'The mail stored on this computer could not be read (not a database), so it was moved to /m/a.sqlite3.corrupt-1 and will be fetched from Gmail again.',
  );
  assert.equal(noticeText('As it came.', t), 'As it came.');
});
