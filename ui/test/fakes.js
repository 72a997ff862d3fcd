// Stand-ins for the controller's view, backend, storage and timers, for `node --test`:
// the view records what it is told to draw and keeps the handlers it is given; the
// backend answers only when a test says so, in whatever order the test chooses.

/** Lets pending promise callbacks run, until `ready()` holds (up to 200 turns). */
export async function until(ready, what = 'the condition') {
  for (let i = 0; i < 200; i++) {
    const value = ready();
    if (value) return value;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`never happened: ${what}`);
}

/** A view whose `render*` calls are recorded in `calls` and whose `on*` handlers are kept
 * in `handlers` (a test calls them as the person would act). */
export function fakeView() {
  const calls = [];
  const handlers = {};
  const helpers = {
    calls,
    handlers,
    /** The arguments of the last call to `name`, or undefined. */
    last(name) {
      return calls.filter((c) => c[0] === name).at(-1)?.slice(1);
    },
    /** How many times `name` was called. */
    count(name) {
      return calls.filter((c) => c[0] === name).length;
    },
    /** The rows drawn last, from the top or in place: their ids. */
    rowIds() {
      const drawn = calls.filter((c) => ['renderRows', 'renderRowsInPlace', 'renderMoreRows'].includes(c[0])).at(-1);
      return drawn ? drawn[1].map((r) => r.id) : [];
    },
  };
  return new Proxy(helpers, {
    get(target, name) {
      if (name in target) return target[name];
      if (typeof name !== 'string') return undefined;
      if (name.startsWith('on')) return (handler) => { handlers[name] = handler; };
      return (...args) => { calls.push([name, ...args]); };
    },
  });
}

/**
 * A backend whose calls wait for the test: `answer(name, match, value)` resolves the
 * oldest pending call of `name` whose arguments satisfy `match`, `fail(...)` rejects it.
 * Calls named in `auto` are answered at once with `auto[name](...args)`.
 */
export function fakeBackend(auto = {}) {
  const pending = [];
  const events = {};
  const made = [];
  const take = async (name, match) => {
    const found = await until(
      () => pending.find((p) => p.name === name && match(...p.args)),
      `a call to ${name} matching ${match}; pending: ${pending.map((p) => `${p.name}(${JSON.stringify(p.args)})`).join(', ')}`,
    );
    pending.splice(pending.indexOf(found), 1);
    return found;
  };
  const helpers = {
    pending,
    events,
    made,
    async answer(name, match, value) {
      (await take(name, match)).resolve(value);
      await settle();
    },
    async fail(name, match, error) {
      (await take(name, match)).reject(error);
      await settle();
    },
    /** Waits until a call to `name` matching `match` is pending. */
    async waitFor(name, match = () => true) {
      return until(() => pending.find((p) => p.name === name && match(...p.args)), `a call to ${name}`);
    },
    onEvent(name, handler) { events[name] = handler; },
  };
  return new Proxy(helpers, {
    get(target, name) {
      if (name in target) return target[name];
      if (typeof name !== 'string' || name === 'then') return undefined;
      return (...args) => {
        made.push([name, ...args]);
        if (auto[name]) {
          try {
            return Promise.resolve(auto[name](...args));
          } catch (e) {
            return Promise.reject(e);
          }
        }
        return new Promise((resolve, reject) => pending.push({ name, args, resolve, reject }));
      };
    },
  });
}

/** Lets every promise callback that can run, run. */
export async function settle() {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Storage in memory (the window's localStorage). */
export function fakeStorage(items = {}) {
  const map = new Map(Object.entries(items));
  return {
    getItem: (key) => (map.has(key) ? map.get(key) : null),
    setItem: (key, value) => map.set(key, String(value)),
  };
}

/** Timers that fire only when the test says (`flush()`: every timeout due, once). */
export function fakeTimers() {
  let nextId = 1;
  const timeouts = new Map();
  return {
    setTimeout(fn) {
      const id = nextId++;
      timeouts.set(id, fn);
      return id;
    },
    clearTimeout(id) { timeouts.delete(id); },
    setInterval() { return nextId++; },
    clearInterval() {},
    async flush() {
      const due = [...timeouts.values()];
      timeouts.clear();
      for (const fn of due) fn();
      await settle();
    },
  };
}

/** A row as the backend sends it. */
export function row(id, extra = {}) {
  return {
    id, threadId: id, fromName: 'Ana', fromAddress: 'ana@example.com', subject: `Subject ${id}`,
    snippet: '', dateMs: 0, unread: false, starred: false, labels: ['INBOX'], ...extra,
  };
}

/** A page of `ids`, fresh from Gmail unless `extra` says otherwise. */
export function page(ids, extra = {}) {
  return {
    rows: ids.map((id) => row(id)), nextPageToken: null, resultSizeEstimate: ids.length,
    asOfMs: null, offline: false, ...extra,
  };
}
