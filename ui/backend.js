// The only door to the Rust side: the app's own commands, nothing else.
// Errors arrive as {kind, message}; see src-tauri/src/error.rs.

function invoke(command, args) {
  const tauri = window.__TAURI__;
  if (!tauri || !tauri.core) {
    return Promise.reject({ kind: 'no_backend', message: 'This page must run inside the Mailglance app.' });
  }
  return tauri.core.invoke(command, args);
}

/** The version and the client file's state, for the first screen. */
export const appInfo = () => invoke('app_info');
