// Strings by key, in the language the system asks for (English, French, Polish).
// Importable outside a browser (the controller's tests run under Node): with no
// `navigator`, English until `useLocale` says otherwise.
import en from './locales/en.js';
import fr from './locales/fr.js';
import pl from './locales/pl.js';

const catalogs = { en, fr, pl };

/** The languages the browser says the person reads, most wanted first; none outside one. */
function systemLanguages() {
  const nav = globalThis.navigator;
  return nav?.languages ?? (nav?.language ? [nav.language] : []);
}

/** The first of the system's languages we have, else English. */
export function pickLanguage(languages = systemLanguages()) {
  for (const tag of languages) {
    const base = String(tag || '').toLowerCase().split(/[-_]/)[0];
    if (catalogs[base]) return base;
  }
  return 'en';
}

export let lang = pickLanguage();
let strings = catalogs[lang];

/** Switches to the system locale the app reports (e.g. `fr-FR`). */
export function useLocale(locale) {
  lang = pickLanguage([locale, ...systemLanguages()]);
  strings = catalogs[lang];
}

/** The string for `key`, with `{name}` placeholders filled from `values`. */
export function t(key, values = {}) {
  const template = strings[key] ?? en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}
