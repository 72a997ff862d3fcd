use mailglance_e2e::{App, Launch};
#[tokio::test]
async fn scratch() {
    let app = App::start(Launch::default()).await;
    let _ = app.wait_text("#client-file-state").await;
    eprintln!("A");
    app.screenshot("s1").await;
    eprintln!("B");
    let _ = app.wait_text("#welcome h1").await;
    app.screenshot("s2").await;
    eprintln!("C");
    app.quit().await;
}
