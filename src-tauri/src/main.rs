//! The `mailglance` executable: a thin entry point into [`mailglance::run`].

// Keep a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // `mailglance list …` and `mailglance accounts …` run without a window.
    if let Some(status) = mailglance::cli::run(std::env::args().skip(1).collect()) {
        std::process::exit(status);
    }
    mailglance::run();
}
