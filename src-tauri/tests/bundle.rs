//! The bundle configuration is valid: what `scripts/bundle.sh` builds from is checked on
//! every test run, without building the bundles.

use std::path::{Path, PathBuf};

fn app_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn config() -> serde_json::Value {
    let text = std::fs::read_to_string(app_dir().join("tauri.conf.json")).unwrap();
    serde_json::from_str(&text).expect("tauri.conf.json is JSON")
}

#[test]
fn the_bundle_names_the_app_and_its_metadata() {
    let c = config();
    assert_eq!(c["productName"], "Mailglance");
    assert_eq!(c["mainBinaryName"], "mailglance");
    let id = c["identifier"].as_str().unwrap();
    assert!(
        !id.ends_with(".app"),
        "an identifier ending in .app breaks macOS bundles"
    );
    assert_eq!(
        c["version"],
        serde_json::Value::Null,
        "the version comes from Cargo.toml"
    );
    let b = &c["bundle"];
    assert_eq!(b["active"], true);
    for key in [
        "shortDescription",
        "longDescription",
        "license",
        "publisher",
        "category",
    ] {
        assert!(
            b[key].as_str().is_some_and(|s| !s.is_empty()),
            "bundle.{key} is missing"
        );
    }
    let targets: Vec<&str> = b["targets"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t.as_str())
        .collect();
    assert!(
        targets.contains(&"deb") && targets.contains(&"rpm"),
        "{targets:?}"
    );
}

#[test]
fn every_bundle_icon_exists_and_the_png_sizes_match_their_names() {
    let c = config();
    for icon in c["bundle"]["icon"].as_array().unwrap() {
        let path = app_dir().join(icon.as_str().unwrap());
        let bytes =
            std::fs::read(&path).unwrap_or_else(|_| panic!("{} is missing", path.display()));
        if path.extension().is_some_and(|e| e == "png") {
            assert_eq!(&bytes[1..4], b"PNG", "{}", path.display());
            let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
            let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
            assert_eq!(width, height, "{} is not square", path.display());
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            if let Some((w, _)) = name.split_once('x') {
                let scale = if name.ends_with("@2x") { 2 } else { 1 };
                assert_eq!(
                    width,
                    w.parse::<u32>().unwrap() * scale,
                    "{}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn the_linux_packages_file_the_app_under_email() {
    let c = config();
    // Tauri's bundler adds the WebKitGTK and GTK dependencies itself; listing them again
    // would repeat them in the .deb's Depends line.
    assert!(c["bundle"]["linux"]["deb"]["depends"].is_null());
    assert_eq!(c["bundle"]["linux"]["deb"]["section"], "mail");
    for kind in ["deb", "rpm"] {
        let template = c["bundle"]["linux"][kind]["desktopTemplate"]
            .as_str()
            .unwrap();
        let text = std::fs::read_to_string(app_dir().join(template)).unwrap();
        assert!(text.contains("Categories=Network;Email;"), "{template}");
        assert!(text.contains("Exec={{exec}}") && text.contains("Icon={{icon}}"));
    }
}

#[test]
fn the_content_security_policy_is_strict() {
    let c = config();
    let csp = &c["app"]["security"]["csp"];
    assert!(csp.is_object(), "csp must be set, never null");
    assert_eq!(csp["default-src"], "'self'");
    assert_eq!(csp["script-src"], "'self'");
    assert_eq!(csp["object-src"], "'none'");
}

#[test]
fn the_release_key_in_the_repository_is_a_minisign_public_key() {
    let path = app_dir().join("../keys/updater.pub");
    let text = std::fs::read_to_string(&path).unwrap();
    let decoded = std::process::Command::new("base64")
        .arg("-d")
        .arg(&path)
        .output()
        .unwrap();
    let decoded = String::from_utf8(decoded.stdout).unwrap();
    assert!(!text.trim().is_empty());
    assert!(
        decoded.starts_with("untrusted comment: minisign public key"),
        "{decoded}"
    );
    assert!(
        !decoded.contains("secret key"),
        "a private key must never be committed"
    );
}
