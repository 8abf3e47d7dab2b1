#!/usr/bin/env python3
"""The interface through a real pseudo-terminal: cold start, peak memory, terminal bytes.

Runs the release binary (`bianzhi --cache FILE`) in a pty of 100x30 with
TERM=xterm-256color and a throw-away HOME/XDG directories (no user keymap, no server
configured, so no sync runs), the way an operator's terminal would, using only Python's
standard library (`pty`, `os`, `select`, `fcntl`, `termios`):

- cold start: from spawn until the bytes written so far show the tree (the name of one
  of the root's children has been drawn); the median of --runs starts and the first one;
- terminal bytes: after each key, everything the process writes until it has been
  quiet for QUIET seconds, once the start-up has settled (the start-up note gone from
  the hint line); a cursor move in the tree (Down, the default keymap's cursor_down:
  `j` there is type-ahead) within the screen, and one that scrolls the tree by a line,
  first down the jurisdiction's own units, then (Right to expand) among the units of a
  unit two levels down with the most children, whose names are the longest; which
  moves scroll is known from a model of the tree (the cache's rows in the interface's
  order and its cursor), checked against the output (a scroll region set or not);
  with --variants in Chinese and English (`--lang en`), in colour and monochrome
  (NO_COLOR=1); and each keystroke typed into the lookup (`/` then the query); beside
  it `less` on the same pty size scrolling one line (`j`, less's own key for it)
  through a file of the lookup's lines. Before anything, every key the bench presses
  is checked against the keymap in force (`bianzhi keymap --print` with the same
  options): the run stops if one runs another command than the one it is measured
  for;
- peak memory: VmHWM of the process (/proc/PID/status) after opening the lookup and
  typing, before quitting;
- key latency (issue 13): on every screen (tree, unit tabs, the 沿革 timeline, the audit
  log, the inbox, the overview, the warnings, the lookup), the time from writing a key
  to the first byte of the frame that answers it, p50/p99/max per screen; the inbox's
  first page (F2 until the list's title with its count is drawn) and a decision queued
  (the second Enter of a, Enter, Enter until "待上传" or "已记录" is drawn). Keys are those
  of the default keymap (`--default-keys`): arrows move, Tab switches panels, Enter
  opens, Esc goes back, F2/F3/F4 and `g l` open the inbox, overview, warnings and the
  audit log. The decision is made on a copy of the cache. Last, keystrokes typed into
  a form (增员登记, `+` on the tree): text, digits, Tab, a pick list filtered by initials.

Run: python3 benches/tui.py --cache CITY.db [--bin target/release/bianzhi] [--runs 5]
     python3 benches/tui.py --cache CITY.db --only-moves --variants   # the tree's moves alone
A city cache: `bianzhi gen --scale city --out city.snap && bianzhi --cache city.db import city.snap`.
"""

import argparse
import atexit
import fcntl
import os
import pty
import re
import select
import shutil
import signal
import sqlite3
import statistics
import struct
import subprocess
import tempfile
import termios
import time

COLS, ROWS = 100, 30
QUIET = 0.25  # seconds of silence that end a key's output
ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")


def spawn(argv, env):
    """Starts argv on a new pty of COLS x ROWS; returns (pid, master fd, t_spawn)."""
    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    return pid, fd, t0


def read_for(fd, seconds):
    """Everything written within `seconds`."""
    out = b""
    end = time.perf_counter() + seconds
    while True:
        left = end - time.perf_counter()
        if left <= 0:
            return out
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return out
            if not chunk:
                return out
            out += chunk


def read_until_quiet(fd, quiet=QUIET, limit=5.0):
    out = b""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        r, _, _ = select.select([fd], [], [], quiet)
        if not r:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    return out


def read_until(fd, needles, limit=10.0):
    """Reads until any needle shows in the text (escapes stripped); returns (elapsed
    since the call, bytes) or (None, bytes) on timeout."""
    out = b""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
            text = ANSI.sub(b"", out).decode("utf-8", "replace")
            if any(n in text for n in needles):
                return time.perf_counter(), out
    return None, out


KEYS = {
    "down": b"\x1b[B",
    "up": b"\x1b[A",
    "right": b"\x1b[C",
    "home": b"\x1b[H",
    "tab": b"\t",
    "enter": b"\r",
    "esc": b"\x1b",
    "f2": b"\x1bOQ",
    "f3": b"\x1bOR",
    "f4": b"\x1bOS",
}


# The keys this bench presses and the command each must run in the keymap in force
# (mode, key as `keymap --print` writes it, command): a key that runs something else
# (the first version's `j`, type-ahead in the default keymap) measures something else.
EXPECTED_KEYS = [
    ("tree", "<Down>", "cursor_down"),
    ("tree", "<Up>", "cursor_up"),
    ("tree", "<Right>", "expand"),
    ("tree", "<Home>", "cursor_top"),
    ("tree", "<Enter>", "open"),
    ("tree", "/", "search"),
    ("tree", "+", "add_person"),
    ("tree", "q", "quit"),
    ("tree", "<F2>", "inbox"),
    ("tree", "<F3>", "overview"),
    ("tree", "<F4>", "warnings"),
    ("tree", "g l", "audit_log"),
    ("unit", "<Tab>", "next_panel"),
    ("unit", "<Down>", "cursor_down"),
    ("unit", "<Esc>", "back"),
    ("inbox", "<Down>", "cursor_down"),
    ("inbox", "a", "approve"),
    ("inbox", "<Enter>", "open"),
    ("inbox", "<Esc>", "back"),
    ("search", "<Backspace>", "delete_char"),
    ("search", "<Esc>", "close"),
]
# Modes whose unbound keys fall to the global section (tui::keymap::Mode::falls_back_to_global).
FALLS_BACK = {"tree", "unit", "person", "inbox"}


def check_keymap(argv, env):
    """Stops the run unless every key of EXPECTED_KEYS runs its command in the keymap
    that `argv` starts with (the same binary, cache and options)."""
    out = subprocess.run(argv + ["keymap", "--print"], env=env, capture_output=True, text=True, timeout=60)
    modes = {}
    for line in out.stdout.splitlines():
        m = re.match(r"(\S+)\s+(.+?)\s{2,}(\S+)", line)
        if m:
            modes.setdefault(m[1], []).append((m[2].split(), m[3]))
    wrong = []
    for mode, key, cmd in EXPECTED_KEYS:
        seq = key.split()
        # As tui::keymap::Keymap::candidates: the mode's own bindings that begin with
        # the keys pressed, else (where the mode falls back) the global ones.
        own = [b for b in modes.get(mode, []) if b[0][: len(seq)] == seq]
        if not own and mode in FALLS_BACK:
            own = [b for b in modes.get("global", []) if b[0][: len(seq)] == seq]
        got = next((c for k, c in own if k == seq), None)
        if got != cmd:
            wrong.append(f"{mode} {key}: {got} (the bench needs {cmd})")
    if out.returncode != 0 or wrong:
        raise SystemExit(f"the keymap in force does not run what the bench measures: {wrong or out.stderr}")
    return len(EXPECTED_KEYS)


# The height the tree's cursor keeps within (tui::state::State::list_height): the
# screen less the title, status and hint lines, the block's borders and a header
# line, and one more (the tree shows one row more than that below the cursor).
TREE_HEIGHT = ROWS - 3 - 4


class TreeModel:
    """The tree as the interface shows it: the cache's units in its order
    (store::queries::roots and children, ORDER BY sort, id), a single root expanded
    by itself (tui::tree::TreeState::set_roots) and its cursor (tui::widgets::Cursor):
    which row a key leaves and whether the list scrolls."""

    def __init__(self, db):
        self.db = db
        self.kids = {}
        self.names = {}
        self.roots = self.ids(
            "SELECT id, name FROM orgs WHERE parent_id IS NULL OR parent_id NOT IN (SELECT id FROM orgs) "
            "ORDER BY sort, id"
        )
        self.expanded = set()
        if len(self.roots) == 1 and self.children(self.roots[0]):
            self.expanded.add(self.roots[0])
        self.pos = self.offset = 0
        self.rebuild()

    def ids(self, sql, *params):
        out = []
        for i, name in self.db.execute(sql, params):
            self.names[i] = name
            out.append(i)
        return out

    def children(self, i):
        if i not in self.kids:
            self.kids[i] = self.ids("SELECT id, name FROM orgs WHERE parent_id = ? ORDER BY sort, id", i)
        return self.kids[i]

    def rebuild(self):
        rows, stack = [], [(r, 0) for r in reversed(self.roots)]
        while stack:
            i, d = stack.pop()
            rows.append((i, d))
            if i in self.expanded:
                stack.extend((c, d + 1) for c in reversed(self.children(i)))
        self.rows = rows

    def selected(self):
        return self.rows[self.pos]

    def depth(self, i):
        return next(d for r, d in self.rows if r == i)

    def move(self, step):
        """Cursor down (1) or up (-1); returns whether the list scrolled."""
        pos = min(max(self.pos + step, 0), len(self.rows) - 1)
        offset = self.offset
        if pos < offset:
            offset = pos
        elif pos >= offset + TREE_HEIGHT:
            offset = pos + 1 - TREE_HEIGHT
        offset = min(offset, max(len(self.rows) - TREE_HEIGHT, 0))
        scrolled = offset != self.offset
        self.pos, self.offset = pos, offset
        return scrolled

    def expand(self):
        i = self.selected()[0]
        if self.children(i):
            self.expanded.add(i)
            self.rebuild()

    def deep_target(self):
        """A unit two levels under a root with the most children (then the longest
        names among them), and its parent: where the longest names are."""
        best = None
        for r in self.roots:
            for d in self.children(r):
                for p in self.children(d):
                    kids = self.children(p)
                    if not kids:
                        continue
                    score = (min(len(kids), 25), sum(len(self.names[k]) for k in kids) / len(kids))
                    if best is None or score > best[0]:
                        best = (score, d, p)
        return best and best[1:]


DECSTBM = re.compile(rb"\x1b\[\d+;\d+r")


def settle(fd, needles, t0, note=6.0):
    """Reads until the tree shows, then until the start-up has settled: its note on the
    hint line lasts five ticks (tui::state, `Message::ttl`), so at least `note` seconds
    from the spawn and one quiet second after it."""
    read_until(fd, needles)
    while time.perf_counter() - t0 < note:
        read_for(fd, 0.2)
    read_until_quiet(fd, 1.0, 10.0)


def tree_moves(argv, env, db_path, needles, moves, label, verbose=False):
    """Down through the tree and records each move's bytes: within the screen or
    scrolling the list by a line, by the model of the tree. Returns (within, scrolls)."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    tree = TreeModel(db)
    pid, fd, t0 = spawn(argv, env)
    settle(fd, needles, t0)
    within, scrolls, disagree, silent, log = [], [], 0, 0, []

    def press(name, step=0):
        nonlocal disagree, silent
        before = tree.selected()
        scrolled = tree.move(step) if step else False
        os.write(fd, KEYS[name])
        out = read_until_quiet(fd)
        if not out:
            silent += 1
        if step:
            # A scroll sets a scroll region (or, when the backend judged it would not
            # pay, writes most rows); a move within the screen never sets one.
            if bool(DECSTBM.search(out)) and not scrolled:
                disagree += 1
                if verbose:
                    print(f"    unexpected scroll region: {tree.names[before[0]]} -> {out[:200]!r}")
            (scrolls if scrolled else within).append(len(out))
            after = tree.selected()
            log.append((len(out), scrolled, before, after))
        return out

    # The jurisdiction's own units: a screenful and `moves` more.
    for _ in range(TREE_HEIGHT + moves):
        press("down", 1)
    # Two levels down, where the names are longest: go to the unit's parent and expand
    # it; go a screenful past the unit and back up to it (so that it is on the first
    # row), expand it, then down through its units and past them.
    target = tree.deep_target()

    def go(at):
        while tree.pos != at:
            press("down" if at > tree.pos else "up", 1 if at > tree.pos else -1)

    def expand():
        tree.expand()
        os.write(fd, KEYS["right"])
        read_until_quiet(fd, 0.5)

    if target:
        parent, unit = target
        go(tree.rows.index((parent, tree.depth(parent))))
        expand()
        at = tree.rows.index((unit, tree.depth(unit)))
        go(min(at + TREE_HEIGHT - 1, len(tree.rows) - 1))
        go(at)
        expand()
        for _ in range(min(len(tree.children(unit)), TREE_HEIGHT - 1) + 3):
            press("down", 1)
    os.write(fd, b"q")
    read_until_quiet(fd, 0.2, 2.0)
    finish(pid, fd)
    db.close()

    def line(what, v):
        if not v:
            return f"TREE [{label}] {what}: none"
        return (
            f"TREE [{label}] {what} x{len(v)}: bytes written median {statistics.median(v):.0f}, "
            f"p90 {pct(v, 0.9)}, max {max(v)}"
        )

    print(line("cursor move (Down/Up) within the screen", within))
    print(line("scrolled by one line (Down/Up on the last/first row)", scrolls))
    if disagree or silent:
        print(f"  !! {disagree} moves set a scroll region the model did not expect; {silent} keys wrote nothing")
    if verbose:
        names = tree.names
        for kind in (False, True):
            costly = sorted((e for e in log if e[1] == kind), key=lambda e: -e[0])[:5]
            for n, _, (a, da), (b, db_) in costly:
                what = "scroll" if kind else "move"
                print(f"    {n:5} B {what:6} {names[a]} (depth {da}) -> {names[b]} (depth {db_})")
    return within, scrolls


def key_latency(fd, key, quiet=QUIET):
    """Writes `key`; returns (ms to the first byte written in answer, all bytes until quiet)."""
    t0 = time.perf_counter()
    os.write(fd, key)
    r, _, _ = select.select([fd], [], [], 5.0)
    if not r:
        return None, b""
    first = (time.perf_counter() - t0) * 1e3
    return first, read_until_quiet(fd, quiet)


def wait_text(fd, pattern, limit=300.0):
    """Reads until the regex `pattern` matches the text written (escapes stripped);
    returns the seconds waited or None."""
    t0 = time.perf_counter()
    out = b""
    rx = re.compile(pattern)
    while time.perf_counter() - t0 < limit:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return None
            if not chunk:
                return None
            out += chunk
            if rx.search(ANSI.sub(b"", out).decode("utf-8", "replace")):
                return time.perf_counter() - t0
    return None


def summary(name, v):
    v = [x for x in v if x is not None]
    if not v:
        return f"{name}: no answers"
    return (
        f"{name}: x{len(v)} p50 {statistics.median(v):.1f} ms, p99 {pct(v, 0.99):.1f} ms, max {max(v):.1f} ms"
    )


def latencies(argv, env, needles, moves, settle):
    """One session through every screen, timing each key's first answering byte."""
    form_open = False
    pid, fd, t0 = spawn(argv, env)
    read_until(fd, needles)
    read_until_quiet(fd, 0.5, 5.0)
    per = {}

    def keys(screen, key, n, quiet=QUIET):
        for _ in range(n):
            ms, _ = key_latency(fd, KEYS.get(key, key.encode()), quiet)
            per.setdefault(screen, []).append(ms)

    keys("tree", "down", moves)
    keys("tree", "up", moves // 2)
    keys("tree", "right", 1, 1.0)  # expand the unit under the cursor
    keys("tree", "down", moves // 2)
    # A unit: open (the answer is the loading view or the unit), its panels, its lists.
    keys("unit (open)", "enter", 1, 1.0)
    read_until_quiet(fd, 1.0, 10.0)
    for _ in range(6):
        keys("unit tabs", "tab", 1)
        keys("unit tabs", "down", 3)
    # The 沿革 timeline is the fifth of five panels: six Tabs put the second in front,
    # three more the fifth.
    keys("unit tabs", "tab", 3)
    keys("timeline (沿革)", "down", moves)
    keys("unit tabs", "esc", 1, 1.0)
    # The audit log (a timeline).
    keys("audit log", "g", 1, 0.1)
    keys("audit log", "l", 1, 1.0)
    read_until_quiet(fd, 1.0, 10.0)
    keys("audit log", "down", moves // 2)
    keys("audit log", "esc", 1, 1.0)

    # The full integrity check runs on a reader from start-up (16 s on a city): with
    # --settle the inbox waits for it to end, to see a decision without it.
    time.sleep(settle)
    # The inbox: first frame, then the first page, then moves and a decision.
    ms, _ = key_latency(fd, KEYS["f2"], 0.0)
    per.setdefault("inbox", []).append(ms)
    # The counts per kind are drawn only by the list (the loading view shares the
    # title's first characters, which a redraw does not write again).
    first_page = wait_text(fd, r"用编计划|增人入编|减人出编")
    read_until_quiet(fd, 0.5, 10.0)
    keys("inbox", "down", moves)
    keys("inbox", "a", 1)
    keys("inbox", "enter", 1)
    t1 = time.perf_counter()
    os.write(fd, KEYS["enter"])
    queued = wait_text(fd, r"待上传|已记录", 60.0)
    queued = queued and (time.perf_counter() - t1)
    read_until_quiet(fd, 0.5, 10.0)
    keys("inbox", "down", moves // 2)
    keys("inbox", "esc", 1, 1.0)

    # The overview and the warnings.
    for screen, fkey in (("overview", "f3"), ("warnings", "f4")):
        ms, _ = key_latency(fd, KEYS[fkey], 0.0)
        per.setdefault(screen, []).append(ms)
        loaded = wait_text(fd, r"预警|超编|退休", 120.0)
        read_until_quiet(fd, 0.5, 10.0)
        per.setdefault(screen + " (loaded, s)", []).append(loaded)
        keys(screen, "down", moves)
        keys(screen, "tab", 3)
        keys(screen, "esc", 1, 1.0)

    # A form (issue 15): 增员登记 over the unit under the tree's cursor, keys typed into
    # its rows as an operator does (Chinese characters one at a time, as an input method
    # commits them; the digits of an ID number; Tab between rows), a pick list filtered
    # by pinyin initials, then Esc and y to discard. Each change also hands a draft to
    # the executor's writer (off the interface's task).
    ms, out = key_latency(fd, b"+", 1.0)
    per.setdefault("form (open)", []).append(ms)
    out += read_until_quiet(fd, 0.5, 5.0)
    form_open = "增员登记" in ANSI.sub(b"", out).decode("utf-8", "replace")
    for ch in "张三丰":
        keys("form keystroke", ch, 1)
    keys("form keystroke", "tab", 1)
    for ch in "110101199003070011":
        keys("form keystroke", ch, 1)
    keys("form keystroke", "tab", 3)
    for ch in "汉族":
        keys("form keystroke", ch, 1)
    keys("form keystroke", "tab", 8)
    for ch in "glg":
        keys("form keystroke", ch, 1)
    keys("form keystroke", "enter", 1)
    keys("form keystroke", "esc", 1)
    keys("form keystroke", "y", 1, 0.5)
    os.write(fd, b"q")
    read_until_quiet(fd, 0.2, 2.0)
    finish(pid, fd)
    print("KEY LATENCY (key written -> first byte of the answering frame):")
    everything = []
    for screen, v in per.items():
        if screen.endswith("(loaded, s)"):
            print(f"  {screen}: {v[0] if v[0] is None else round(v[0], 2)}")
            continue
        everything += [x for x in v if x is not None]
        print("  " + summary(screen, v))
    print("  " + summary("all screens", everything))
    print(f"FORM opened (+ on the tree -> 增员登记 drawn): {form_open}")
    print(f"INBOX first page (F2 -> list with its count): {first_page and round(first_page * 1e3)} ms")
    print(f"DECISION queued (last Enter -> 待上传/已记录 drawn): {queued and round(queued * 1e3, 1)} ms")


def vm(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])  # kB
    return 0


def finish(pid, fd):
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    os.close(fd)


def pct(v, p):
    v = sorted(v)
    return v[round((len(v) - 1) * p)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/bianzhi")
    ap.add_argument("--cache", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--moves", type=int, default=20)
    ap.add_argument("--query", default="zhangwei")
    ap.add_argument("--only-latency", action="store_true")
    ap.add_argument("--no-latency", action="store_true", help="skip the key latency run")
    ap.add_argument("--only-moves", action="store_true", help="the tree's moves and less alone")
    ap.add_argument("--variants", action="store_true", help="the tree's moves in zh/en, colour/monochrome")
    ap.add_argument("--lang", default="zh", help="the interface's language (zh or en)")
    ap.add_argument("--mono", action="store_true", help="NO_COLOR=1")
    ap.add_argument("--verbose", action="store_true", help="the costliest moves, with their units")
    ap.add_argument("--settle", type=float, default=0.0)
    args = ap.parse_args()

    db = sqlite3.connect(f"file:{args.cache}?mode=ro", uri=True)
    root = db.execute("SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1").fetchone()[0]
    children = [
        r[0]
        for r in db.execute(
            "SELECT COALESCE(short_name, name) FROM orgs WHERE parent_id = ? AND abolished = 0 ORDER BY sort, id LIMIT 5",
            (root,),
        )
    ]
    db.close()
    # The tree's rows may be cut to the column width: match on a prefix.
    needles = [c[:4] for c in children]

    home = tempfile.mkdtemp(prefix="bianzhi-tui-bench-")
    # The throw-away home holds a copy of the cache for the latency run: gone at exit.
    atexit.register(shutil.rmtree, home, True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "XDG_CONFIG_HOME": os.path.join(home, "config"),
        "XDG_DATA_HOME": os.path.join(home, "data"),
        "XDG_STATE_HOME": os.path.join(home, "state"),
        "XDG_CACHE_HOME": os.path.join(home, "cache"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "LESS": "",
        "LESSHISTFILE": "-",
    }
    if args.mono:
        env["NO_COLOR"] = "1"
    lang = ["--lang", args.lang] if args.lang != "zh" else []
    argv = [os.path.abspath(args.bin), "--cache", os.path.abspath(args.cache), "--default-keys"] + lang
    print(f"binary {argv[0]} on {args.cache}, pty {COLS}x{ROWS} TERM=xterm-256color; tree shown when one of {needles} is drawn")
    n = check_keymap(argv, env)
    print(f"keymap in force: the {n} keys the bench presses run the commands it measures")

    # The latency run decides a request: on a copy of the cache.
    if not args.no_latency and not args.only_moves:
        copy = os.path.join(home, "cache.db")
        for suffix in ("", "-wal"):
            if os.path.exists(args.cache + suffix):
                shutil.copyfile(args.cache + suffix, copy + suffix)
                os.chmod(copy + suffix, 0o600)
        latencies(argv[:2] + [copy] + argv[3:], env, needles, args.moves, args.settle)
    if args.only_latency:
        return

    # The tree's moves: as asked, or in both languages, in colour and monochrome.
    variants = [(args.lang, args.mono)]
    if args.variants:
        variants = [("zh", False), ("zh", True), ("en", False), ("en", True)]
    moves = scrolls = []
    for vlang, mono in variants:
        venv = dict(env)
        venv.pop("NO_COLOR", None)
        if mono:
            venv["NO_COLOR"] = "1"
        vargv = argv[:4] + (["--lang", vlang] if vlang != "zh" else [])
        check_keymap(vargv, venv)
        label = f"{vlang}, {'monochrome' if mono else 'colour'}"
        within, scrolled = tree_moves(vargv, venv, args.cache, needles, args.moves, label, args.verbose)
        if not moves:
            moves, scrolls = within, scrolled

    if not args.only_moves:
        cold_start_lookup_memory(args, argv, env, needles)

    # The peer: less scrolling one line, on the same pty, over the lookup's lines.
    lines = os.path.join(home, "lines.txt")
    db = sqlite3.connect(f"file:{args.cache}?mode=ro", uri=True)
    with open(lines, "w") as f:
        for (name, keys_) in db.execute("SELECT name, keys FROM search_keys ORDER BY kind, id"):
            f.write(f"{name}\t{keys_}\n")
    db.close()
    less = "/usr/bin/less"
    if os.path.exists(less):
        pid, fd, t0 = spawn([less, "-S", lines], env)
        read_until_quiet(fd, 0.5, 5.0)
        scroll = []
        for _ in range(args.moves):
            os.write(fd, b"j")
            scroll.append(len(read_until_quiet(fd)))
        os.write(fd, b"q")
        read_until_quiet(fd, 0.2, 2.0)
        finish(pid, fd)
        m = statistics.median(scroll)
        print(
            f"LESS scrolling one line (j) x{len(scroll)}: bytes written median {m:.0f}, p90 {pct(scroll, 0.9)}, "
            f"max {max(scroll)}; bianzhi/less (first variant, medians): tree move "
            f"{statistics.median(moves) / max(m, 1):.2f}x (max {max(moves) / max(m, 1):.2f}x), "
            f"tree scroll {statistics.median(scrolls) / max(m, 1):.2f}x"
        )
    else:
        print("less: not installed")


def cold_start_lookup_memory(args, argv, env, needles):
    """Cold start (--runs starts), then one session: idle bytes, lookup keystrokes and
    the peak memory."""
    starts = []
    first_screen_bytes = 0
    for i in range(args.runs):
        pid, fd, t0 = spawn(argv, env)
        t, out = read_until(fd, needles)
        if t is None:
            print(f"run {i}: the tree did not show within 10 s; output tail: {ANSI.sub(b'', out)[-300:]!r}")
            finish(pid, fd)
            continue
        starts.append((t - t0) * 1e3)
        rest = read_until_quiet(fd)
        first_screen_bytes = len(out) + len(rest)
        os.write(fd, b"q")
        read_until_quiet(fd, 0.2, 2.0)
        finish(pid, fd)
    if not starts:
        raise SystemExit("the interface never showed the tree; see the output above")
    print(
        f"COLD START to the tree: median {statistics.median(starts):.0f} ms, first {starts[0]:.0f} ms, "
        f"max {max(starts):.0f} ms over {len(starts)} starts; first screen {first_screen_bytes} bytes"
    )

    # Idle, the lookup and memory, one session.
    pid, fd, t0 = spawn(argv, env)
    settle(fd, needles, t0)
    idle = read_for(fd, 2.0)
    print(f"idle: {len(idle)} bytes written in 2 s with no key")
    os.write(fd, b"/")
    opened = len(read_until_quiet(fd, 0.5))
    # The index builds in the background from start-up: probe with one key until the
    # results' count shows (not "索引加载中…"), then take the key back.
    ready = False
    for _ in range(60):
        os.write(fd, args.query[0].encode())
        probe = ANSI.sub(b"", read_until_quiet(fd, 0.3)).decode("utf-8", "replace")
        os.write(fd, b"\x7f")
        read_until_quiet(fd, 0.3)
        if "条" in probe or "results" in probe:
            ready = True
            break
        time.sleep(0.5)
    if not ready:
        raise SystemExit("the lookup's index was not ready within 30 s")
    keys = []
    for ch in args.query:
        os.write(fd, ch.encode())
        keys.append(len(read_until_quiet(fd)))
    for ch in "张伟":
        os.write(fd, ch.encode())
        keys.append(len(read_until_quiet(fd)))
    print(
        f"LOOKUP keystroke x{len(keys)} ({args.query!r} then 张伟, after {opened} bytes to open it): "
        f"bytes written median {statistics.median(keys):.0f}, p90 {pct(keys, 0.9)}, max {max(keys)}; per key {keys}"
    )
    hwm, rss = vm(pid, "VmHWM"), vm(pid, "VmRSS")
    print(f"PEAK MEMORY after opening the lookup and typing: VmHWM {hwm / 1024:.1f} MB (VmRSS now {rss / 1024:.1f} MB)")
    os.write(fd, b"\x1b")
    read_until_quiet(fd, 0.2)
    os.write(fd, b"q")
    read_until_quiet(fd, 0.2, 2.0)
    finish(pid, fd)


if __name__ == "__main__":
    main()
