//! The `mailglance` executable: the command line when given a command, else the window.

// Keep a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // `mailglance list …`, `login`, … run before GTK or WebKit start: no display needed.
    // An unknown command or flag is a usage error (exit 2), never a window.
    if let Some(status) = mailglance_cli::run(std::env::args_os().skip(1).collect()) {
        std::process::exit(status);
    }
    mailglance::run();
}
