// The message list: a virtual list that renders only the rows on screen, so the DOM
// stays small with thousands of messages loaded. Text from the mailbox goes in with
// textContent only. Owns the list's DOM; draws what the controller gives it and
// reports what the person does.
//
// `#list-scroll` scrolls; in it, the listbox `#list` (whose height is every row's) and,
// after its last row, "Load more": in the flow, so it never covers a row. The listbox's
// `aria-activedescendant` names the chosen row while that row is drawn, else nothing.
import { t, lang } from './i18n.js';

const ROW_HEIGHT = 68;
const OVERSCAN = 6;
/** How many account colours there are (style.css: .account-mark[data-colour]). */
const ACCOUNT_COLOURS = 6;

/** The colour of an account's mark, from `colours` (a Map of account id to place). */
export function accountColour(colours, accountId) {
  return String((colours.get(accountId) ?? 0) % ACCOUNT_COLOURS);
}

/** "14:05" today, "3 Mar" this year, "3 Mar 2021" before. */
export function formatDate(ms, now = new Date()) {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '';
  const sameDay = d.toDateString() === now.toDateString();
  const options = sameDay
    ? { hour: 'numeric', minute: '2-digit' }
    : d.getFullYear() === now.getFullYear()
      ? { day: 'numeric', month: 'short' }
      : { day: 'numeric', month: 'short', year: 'numeric' };
  return new Intl.DateTimeFormat(lang, options).format(d);
}

/** A row's element id: its message id, with its account's in a list of several. */
export function rowId(row) {
  return row.accountId ? `row-${row.accountId}-${row.id}` : `row-${row.id}`;
}

export class MessageList {
  constructor(root) {
    this.root = root;
    this.viewport = root.querySelector('#list-scroll');
    this.box = root.querySelector('#list');
    this.spacer = root.querySelector('#list-spacer');
    this.moreButton = root.querySelector('#load-more');
    this.empty = root.querySelector('#list-empty');
    this.loading = root.querySelector('#list-loading');
    // What was last drawn: the controller owns the rows and the selection.
    this.rows = [];
    this.labelNames = new Map();
    // All inboxes: each account's colour (by account id), and the rows of Gmail's answer
    // that search on this computer did not find.
    this.accountColours = new Map();
    this.onlyGmail = new Set();
    this.selected = -1;
    this.pool = [];
    this.onSelectHandler = () => {};
    this.onOpenHandler = () => {};
    this.onNeedMoreHandler = () => {};
    this.viewport.addEventListener('scroll', () => this.paint());
    window.addEventListener('resize', () => this.paint());
    // One delegated listener for every row.
    this.viewport.addEventListener('click', (e) => {
      const el = e.target.closest('[data-index]');
      if (el) this.onSelectHandler(Number(el.dataset.index));
    });
    this.viewport.addEventListener('dblclick', (e) => {
      const el = e.target.closest('[data-index]');
      if (el) this.onOpenHandler(Number(el.dataset.index));
    });
  }

  /** Draws `rows` from the top (a new query, label or account), row `selected` chosen. */
  renderRows(rows, selected) {
    this.rows = rows;
    this.selected = selected;
    this.viewport.scrollTop = 0;
    this.paint();
  }

  /** Draws `rows` where the list is scrolled to (the next page arrived below). */
  renderMoreRows(rows, selected) {
    this.rows = rows;
    this.selected = selected;
    this.paint();
  }

  /** Draws `rows` where the list is scrolled to, after a refresh: changed rows update,
   * deleted ones leave, new ones appear on top; the scroll position stays put. */
  renderRowsInPlace(rows, selected) {
    this.rows = rows;
    this.selected = selected;
    this.paint();
  }

  /** The names the rows' label chips show: [{id, name}]. */
  renderLabelNames(labels) {
    this.labelNames = new Map(labels.map((l) => [l.id, l.name]));
    this.paint();
  }

  /** Each account's colour index (a Map of account id to index), for All inboxes. */
  renderAccountColours(colours) {
    this.accountColours = colours;
    this.paint();
  }

  /** Marks the rows (by id) that only Gmail found. */
  renderOnlyGmail(ids) {
    this.onlyGmail = ids;
    this.paint();
  }

  /** "Loading…", "Load more" and "No messages here." under the list. */
  renderState({ loading, hasMore, failed = false }) {
    this.loading.hidden = !loading;
    this.moreButton.hidden = !hasMore;
    this.moreButton.disabled = Boolean(loading);
    this.empty.hidden = loading || failed || this.rows.length > 0;
    this.hasMore = hasMore;
    this.isLoading = loading;
  }

  /** Marks row `index` as chosen; `scroll` keeps it on screen. */
  renderSelection(index, scroll) {
    this.selected = index;
    if (scroll) {
      const top = index * ROW_HEIGHT;
      const { scrollTop, clientHeight } = this.viewport;
      if (top < scrollTop) this.viewport.scrollTop = top;
      else if (top + ROW_HEIGHT > scrollTop + clientHeight) {
        this.viewport.scrollTop = top + ROW_HEIGHT - clientHeight;
      }
    }
    this.paint();
  }

  /** Draws the rows in view, reusing a small pool of elements. */
  paint() {
    this.spacer.style.height = `${this.rows.length * ROW_HEIGHT}px`;
    const { scrollTop, clientHeight } = this.viewport;
    const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((scrollTop + clientHeight) / ROW_HEIGHT) + OVERSCAN);
    const needed = last - first;
    while (this.pool.length < needed) {
      const el = this.makeRow();
      this.spacer.append(el);
      this.pool.push(el);
    }
    this.pool.forEach((el, i) => {
      const index = first + i;
      if (i >= needed) {
        el.hidden = true;
        // A spare element keeps no row's id: ids stay unique, and the listbox never
        // points at a row that is not shown.
        el.removeAttribute('id');
        return;
      }
      el.hidden = false;
      this.fill(el, this.rows[index], index);
    });
    // The chosen row, when drawn, is the listbox's active one; otherwise none.
    const chosen = this.rows[this.selected];
    const drawn = chosen && this.selected >= first && this.selected < last;
    if (drawn) this.box.setAttribute('aria-activedescendant', rowId(chosen));
    else this.box.removeAttribute('aria-activedescendant');
    // Near the end: ask for the next page (infinite scroll).
    if (this.hasMore && !this.isLoading && last >= this.rows.length - 5 && this.rows.length) {
      this.onNeedMoreHandler();
    }
  }

  makeRow() {
    const el = document.createElement('div');
    el.className = 'row';
    el.setAttribute('role', 'option');
    const span = (cls) => {
      const x = document.createElement('span');
      x.className = cls;
      return x;
    };
    // Text from a message goes in <bdi>: each field keeps its own direction, and a
    // right-to-left override in a subject cannot reverse the snippet or the sender.
    const bdi = (cls) => {
      const x = document.createElement('bdi');
      x.className = cls;
      return x;
    };
    const line = span('line');
    line.append(bdi('subject'), bdi('snippet'));
    // The account's colour mark (All inboxes), its address said to screen readers.
    const account = span('account');
    account.append(span('account-mark'), span('visually-hidden'));
    el.append(span('star'), account, bdi('from'), span('date'), line, span('chips'));
    return el;
  }

  fill(el, row, index) {
    el.id = rowId(row);
    el.dataset.index = String(index);
    el.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
    el.setAttribute('aria-posinset', String(index + 1));
    el.setAttribute('aria-setsize', this.hasMore ? '-1' : String(this.rows.length));
    el.setAttribute('aria-selected', String(index === this.selected));
    el.classList.toggle('unread', row.unread);
    el.classList.toggle('selected', index === this.selected);
    const [star, account, from, date, line, chips] = el.children;
    // A row of All inboxes says whose it is: a colour, and the address for screen readers.
    account.hidden = !row.account;
    if (row.account) {
      const [mark, said] = account.children;
      mark.dataset.colour = accountColour(this.accountColours, row.accountId);
      account.title = row.account;
      said.textContent = t('list.account', { email: row.account });
    }
    const [subject, snippet] = line.children;
    star.textContent = row.starred ? '★' : '';
    star.title = row.starred ? t('list.starred') : '';
    from.textContent = row.fromName || row.fromAddress || t('list.unknownSender');
    from.title = row.fromAddress || '';
    date.textContent = formatDate(row.dateMs);
    subject.textContent = row.subject ?? t('list.noSubject');
    subject.classList.toggle('none', row.subject == null);
    snippet.textContent = row.snippet ? ` — ${row.snippet}` : '';
    const only = [];
    if (this.onlyGmail.has(row.id)) {
      const chip = document.createElement('span');
      chip.className = 'chip only-gmail';
      chip.textContent = t('list.onlyGmail');
      chip.title = t('list.onlyGmailHint');
      only.push(chip);
    }
    chips.replaceChildren(
      ...only,
      ...row.labels
        .map((id) => this.labelNames.get(id))
        .filter(Boolean)
        .map((name) => {
          const chip = document.createElement('bdi');
          chip.className = 'chip';
          chip.textContent = name;
          return chip;
        }),
    );
  }

  /** `handler(index)` when a row is clicked. */
  onSelect(handler) { this.onSelectHandler = handler; }
  /** `handler(index)` when a row is double-clicked. */
  onOpen(handler) { this.onOpenHandler = handler; }
  /** `handler()` when the end of the list scrolls into view (infinite scroll). */
  onNeedMore(handler) { this.onNeedMoreHandler = handler; }
}
