//! The `standin` binary: prints the client file and the listening line, writes the config
//! files, and stops cleanly on SIGTERM.

use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, BufReader};

#[tokio::test]
async fn the_binary_writes_the_config_announces_itself_and_stops_on_sigterm() {
    let dir = std::env::temp_dir().join(format!("standin-config-{}", std::process::id()));
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_standin"))
        .args(["--port", "0", "--seed", "3", "--write-config"])
        .arg(&dir)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut base = None;
    while let Some(line) = lines.next_line().await.unwrap() {
        if let Some(url) = line.strip_prefix("standin listening on ") {
            base = Some(url.to_string());
            break;
        }
    }
    let base = base.expect("the listening line");
    assert!(base.starts_with("http://127.0.0.1:"));
    let client: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("client_secret.json")).unwrap())
            .unwrap();
    assert_eq!(client["installed"]["token_uri"], format!("{base}/token"));
    assert!(
        !client["installed"]["client_secret"]
            .as_str()
            .unwrap()
            .starts_with("GOCSPX-")
    );
    let settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("settings.json")).unwrap()).unwrap();
    assert_eq!(settings["endpoints"]["gmail"], format!("{base}/"));
    assert_eq!(
        settings["endpoints"]["userinfo"],
        format!("{base}/v1/userinfo")
    );
    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().await.unwrap();
    assert!(status.success(), "SIGTERM is a clean exit: {status}");
    let _ = std::fs::remove_dir_all(dir);
}
