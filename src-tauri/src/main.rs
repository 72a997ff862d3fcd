//! The `mailglance` executable: a thin entry point into [`mailglance::run`].

// Keep a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    mailglance::run();
}
