// Recent jobs: the service's own list, a card per job. A completed job's card downloads its
// image when it comes near the screen (an expired one is refused by the library at once,
// without a request, and says so); one card's failure stays on that card; a card that is
// replaced aborts its download and frees its image.
import { ImageSlot, describeProblem } from "./images.js";

const $ = (id) => document.getElementById(id);
const FINAL = new Set(["COMPLETED", "FAILED", "CANCELLED"]);
const PAGE = 8;

/** `client()` makes the page's client; `entryOf(job)` is what the page shows of a job;
 * `open(entry, client)` shows a completed job as the result; `resume(jobId)` waits again for
 * a running one; `explain(error)` words an error. */
export function createGallery({ client, entryOf, open, resume, explain }) {
  let cursor = null;
  /** The cards holding a download, with what they need to start it. */
  const held = new WeakMap();
  const observer = typeof IntersectionObserver === "function"
    ? new IntersectionObserver((seen) => { for (const s of seen) if (s.isIntersecting) start(s.target); }, { rootMargin: "300px" })
    : null;

  function placeholder(text) {
    return Object.assign(document.createElement("span"), { className: "placeholder picture", textContent: text });
  }

  function start(li) {
    const card = held.get(li);
    if (!card || card.started) return;
    card.started = true;
    observer?.unobserve(li);
    const picture = () => li.querySelector(".picture");
    card.slot.show(card.client, card.job, {
      image: ({ src }) => {
        const img = Object.assign(document.createElement("img"), { className: "picture", alt: "", src });
        img.title = card.title;
        img.addEventListener("error", () => img.replaceWith(Object.assign(placeholder("The image could not be shown."), { title: card.title })));
        picture().replaceWith(img);
      },
      problem: (e) => {
        picture().textContent = describeProblem(e, explain);
        li.dataset.problem = e?.code ?? "error";
        if (e?.code === "not_found") li.querySelector("button").disabled = true;
      },
    });
  }

  function forget(li) {
    observer?.unobserve(li);
    held.get(li)?.slot.clear();
    held.delete(li);
  }

  function card(job, c) {
    const entry = entryOf(job);
    const li = document.createElement("li");
    li.dataset.jobId = job.id;
    li.dataset.status = job.status;
    const running = !FINAL.has(job.status);
    const completed = job.status === "COMPLETED";
    const picture = placeholder(completed ? "Downloading the image…" : running ? `${job.status.toLowerCase()}…` : job.status.toLowerCase());
    picture.title = entry.ratio;
    const status = Object.assign(document.createElement("span"), { className: "status badge", textContent: job.status });
    status.dataset.status = job.status;
    const prompt = Object.assign(document.createElement("span"), { className: "p", textContent: entry.prompt });
    const meta = Object.assign(document.createElement("span"), { className: "meta", textContent: `${entry.ratio} · seed ${entry.seed ?? "?"}` });
    const b = document.createElement("button");
    b.type = "button";
    b.append(picture, status, prompt, meta);
    if (running) {
      b.setAttribute("aria-label", `Resume: ${entry.prompt}`);
      b.addEventListener("click", () => resume(job.id));
      b.append(Object.assign(document.createElement("span"), { className: "meta", textContent: "Resume waiting" }));
    } else {
      b.setAttribute("aria-label", `Open: ${entry.prompt}, ${entry.ratio}, seed ${entry.seed}`);
      b.disabled = !completed || entry.expired;
      b.addEventListener("click", () => { open(entry, c); $("result").scrollIntoView({ block: "nearest" }); });
    }
    li.append(b);
    if (completed) held.set(li, { slot: new ImageSlot(), client: c, job, title: entry.ratio, started: false });
    return li;
  }

  /** Reads a page of jobs: the first again (`reset`), or the next. */
  async function load(reset) {
    if (reset) cursor = null;
    let c;
    let page;
    try {
      c = client();
      page = await c.listJobs({ limit: PAGE, cursor: cursor ?? undefined });
    } catch (e) {
      $("gallery-empty").textContent = `Could not read your jobs: ${explain(e).text}`;
      $("gallery-empty").hidden = false;
      return;
    }
    const items = page.jobs.map((job) => card(job, c));
    if (reset) {
      for (const li of $("gallery").children) forget(li);
      $("gallery").replaceChildren(...items);
    } else {
      $("gallery").append(...items);
    }
    for (const li of items) {
      if (!held.has(li)) continue;
      // An expired job is refused before any request: its card says so at once.
      if (!observer || held.get(li).job.expired === true) start(li);
      else observer.observe(li);
    }
    cursor = page.hasMore ? page.nextCursor : null;
    $("recent-more").hidden = !cursor;
    $("gallery-empty").textContent = "Your jobs will be listed here, read from the service.";
    $("gallery-empty").hidden = $("gallery").children.length > 0;
  }

  return { load };
}
