// The command line's progress on stderr: a line per job, redrawn in place on a terminal, one
// plain line per change otherwise.

/**
 * Progress on stderr. On a terminal, a line per unfinished job redrawn in place under the lines
 * of finished ones; otherwise one plain line per change. Writes to stdout go through `out` so
 * they never land inside the redrawn lines when both are the same terminal.
 */
export class Progress {
  constructor(entries, { stream = process.stderr, stdout = process.stdout } = {}) {
    this.stream = stream;
    this.stdout = stdout;
    this.tty = !!stream.isTTY;
    this.rows = entries.map((e, i) => ({
      label: entries.length > 1 ? `[${i + 1}/${entries.length}]` : "",
      note: e.note ?? "",
      id: e.id,
      finished: false,
    }));
    this.started = performance.now();
    this.drawn = 0;
    if (this.tty) {
      this.timer = setInterval(() => this.redraw(), 250);
      this.timer.unref?.();
      this.redraw();
    }
  }

  /** Seconds since the job was made (the service's own clock), else since this command began. */
  elapsed(row) {
    const created = Date.parse(row.createdAt ?? "");
    const completed = Date.parse(row.completedAt ?? "");
    let ms = performance.now() - this.started;
    if (Number.isFinite(created)) ms = (Number.isFinite(completed) ? completed : Date.now()) - created;
    return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
  }

  text(row, extra = "") {
    const progress = typeof row.progress === "number" ? `${row.progress}%` : "";
    const what = row.status ? [row.id, row.status, progress] : [row.id, "waiting"]; // nothing heard of the job yet
    return [row.label, ...what, this.elapsed(row), extra, row.note].filter(Boolean).join(" ");
  }

  update(i, job) {
    const row = this.rows[i];
    Object.assign(row, { id: job.id ?? row.id, status: job.status, progress: job.progress, createdAt: job.createdAt, completedAt: job.completedAt });
    if (this.tty) this.redraw();
    else this.stream.write(`${this.text(row)}\n`);
  }

  /** A job's last line: kept above the live ones on a terminal. */
  finish(i, extra) {
    const row = this.rows[i];
    if (row.finished) return;
    row.finished = true;
    if (this.tty || extra) this.say(this.text(row, extra));
  }

  /** A line of its own on stderr. */
  say(line) {
    this.clear();
    this.stream.write(`${line}\n`);
    this.draw();
  }

  out(text) {
    this.clear();
    this.stdout.write(text);
    this.draw();
  }

  clear() {
    if (!this.tty || !this.drawn) return;
    this.stream.write(`\x1b[${this.drawn}A\r\x1b[J`);
    this.drawn = 0;
  }

  draw() {
    if (!this.tty || this.stopped) return;
    const live = this.rows.filter((r) => !r.finished);
    const room = Math.max(1, (this.stream.rows ?? 24) - 2);
    const shown = live.length > room ? live.slice(0, room - 1) : live;
    const lines = shown.map((r) => this.text(r));
    if (shown.length < live.length) lines.push(`… and ${live.length - shown.length} more`);
    const width = Math.max(20, (this.stream.columns ?? 80) - 1);
    const cut = (l) => ([...l].length > width ? `${[...l].slice(0, width - 1).join("")}…` : l);
    if (lines.length) this.stream.write(`${lines.map(cut).join("\n")}\n`);
    this.drawn = lines.length;
  }

  redraw() {
    this.clear();
    this.draw();
  }

  stop() {
    clearInterval(this.timer);
    this.clear();
    this.stopped = true;
  }
}
