//! The window's text: every key in English is translated into French and Polish, and
//! every key the page and scripts use exists.

use std::collections::BTreeSet;

use mailglance_e2e::workspace_root;

/// The keys of a locale file (`  'key': "text",` lines).
fn keys(lang: &str) -> BTreeSet<String> {
    let path = workspace_root().join(format!("ui/locales/{lang}.js"));
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let quote = l.chars().next().filter(|c| *c == '\'' || *c == '"')?;
            let rest = &l[1..];
            let end = rest.find(quote)?;
            rest[end + 1..]
                .trim_start()
                .starts_with(':')
                .then(|| rest[..end].to_owned())
        })
        .collect()
}

#[test]
fn french_and_polish_translate_every_english_string() {
    let en = keys("en");
    assert!(en.len() > 40, "{en:?}");
    for lang in ["fr", "pl"] {
        let other = keys(lang);
        let missing: Vec<_> = en.difference(&other).collect();
        let extra: Vec<_> = other.difference(&en).collect();
        assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        assert!(extra.is_empty(), "{lang} has unknown keys {extra:?}");
    }
}

#[test]
fn every_key_the_page_uses_has_an_english_string() {
    let en = keys("en");
    let root = workspace_root().join("ui");
    for file in ["index.html", "main.js", "view.js", "list.js"] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        for (i, _) in text
            .match_indices("data-i18n=\"")
            .chain(text.match_indices("t('"))
        {
            // `t('` must be the call itself, not the end of `createElement('`.
            let before = text[..i].chars().next_back().unwrap_or(' ');
            if before.is_alphanumeric() || before == '_' || before == '.' {
                continue;
            }
            let start = text[i..].find(['"', '\'']).unwrap() + i + 1;
            let end = text[start..].find(['"', '\'']).unwrap() + start;
            let key = &text[start..end];
            if key.contains('$') {
                continue; // built at run time, e.g. `error.${kind}`
            }
            assert!(en.contains(key), "{file} uses {key:?}, which en.js lacks");
        }
    }
}
